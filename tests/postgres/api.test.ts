// The API end to end on PostgreSQL: the server's own start-up (bootstrap with DATABASE_URL:
// migrations under the advisory lock, the starter calendar seeded through the domain, the first
// admin key) and its HTTP API in process: health, keys, an experiment created and started,
// assignments with exposures, exposures and events posted, the report. The same calls on a
// SQLite file give the same report, to the byte. A second replica on the same database sees the
// experiment, keeps the first replica's assignments (sticky) and counts into the same report.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresDatabase } from '../helpers/postgres.ts';
import { bootstrap, type Bootstrapped } from '../../api/bootstrap.ts';
import { closeDatabase } from '../../db/sqlite/connection.ts';
import { closePostgresPool } from '../../db/open-data.ts';
import { apiListener } from '../../api/listener.ts';
import { createServer, type Server } from 'node:http';

const clock = { nowMs: new Date(2026, 10, 23, 9).getTime() };
const now = () => clock.nowMs;
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

type Api = { admin: string; call(path: string, init?: { method?: string; body?: unknown; key?: string; origin?: string }): Promise<Response> };

function apiOf(b: Bootstrapped, admin: string): Api {
  return {
    admin,
    call(path, init = {}) {
      const headers = new Headers({ authorization: `Bearer ${init.key ?? admin}` });
      if (init.body !== undefined) headers.set('content-type', 'application/json');
      if (init.origin) headers.set('origin', init.origin);
      return Promise.resolve(b.app.request(path, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) }));
    }
  };
}

async function json(res: Response | Promise<Response>, status = 200): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await res;
  const body = await r.json();
  expect(r.status, JSON.stringify(body)).toBe(status);
  return body;
}

/** The scenario of this file through one API; returns the report JSON and the sdk key. */
async function scenario(api: Api): Promise<{ report: string; sdkKey: string }> {
  const health = await json(api.call('/api/v1/health'));
  expect(health.status).toBe('ok');
  expect(health.database.migrations).toBeGreaterThan(0);
  const sdkKey = (await json(api.call('/api/v1/keys', { method: 'POST', body: { name: 'app', scope: 'sdk' } }), 201)).key as string;
  const metric = await api.call('/api/v1/metrics', { method: 'POST', body: { key: 'purchase', name: 'Purchase', kind: 'binomial', eventName: 'purchase' } });
  expect(metric.status, await metric.clone().text()).toBeLessThan(300);
  await json(api.call('/api/v1/experiments', { method: 'POST', body: {
    key: 'pg-e2e', name: 'PostgreSQL end to end', variants: [{ key: 'control' }, { key: 'treatment' }],
    metrics: { primary: ['purchase'] }, exploratory: true
  } }), 201);
  await json(api.call('/api/v1/experiments/pg-e2e/start', { method: 'POST' }));
  // Assign 40 users (exposed), twice each: the second answer is sticky, the exposure counted.
  const variants = new Map<string, string>();
  for (let i = 0; i < 40; i++) {
    const a = await json(api.call(`/api/v1/assign?experiment=pg-e2e&userId=u${i}`, { key: sdkKey }));
    variants.set(`u${i}`, a.assignments['pg-e2e'].variant);
  }
  const again = await json(api.call('/api/v1/assign?experiment=pg-e2e&userId=u0', { key: sdkKey }));
  expect(again.assignments['pg-e2e']).toMatchObject({ variant: variants.get('u0'), reason: 'sticky' });
  // Exposures posted by an app that assigned without exposing (with a segment), one with a wrong variant.
  const late = await json(api.call('/api/v1/assign?experiment=pg-e2e&userId=late1&expose=false', { key: sdkKey }));
  const lateVariant = late.assignments['pg-e2e'].variant as string;
  const exposures = await json(api.call('/api/v1/exposures', { method: 'POST', key: sdkKey, body: { exposures: [
    { experiment: 'pg-e2e', userId: 'late1', variant: lateVariant, attributes: { segment: 'new' } },
    { experiment: 'pg-e2e', userId: 'u1', variant: variants.get('u1') === 'control' ? 'treatment' : 'control' },
    { experiment: 'nope', userId: 'u1' }
  ] } }), 202);
  expect(exposures).toMatchObject({ accepted: 1, duplicates: 0 });
  expect(exposures.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2]);
  // Events: conversions for half the treatment and a quarter of control, with values; a retry; a conflicting reuse.
  const events = [...variants].flatMap(([userId, variant], i) =>
    (variant === 'treatment' ? i % 2 === 0 : i % 4 === 0) ? [{ userId, event: 'purchase', value: 10 + (i % 3) * 2.5, id: `p-${userId}` }] : []);
  const posted = await json(api.call('/api/v1/events', { method: 'POST', key: sdkKey, body: { events } }), 202);
  expect(posted).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
  const retry = await json(api.call('/api/v1/events', { method: 'POST', key: sdkKey, body: { events: [events[0], { ...events[0], value: 99 }] } }), 202);
  expect(retry).toMatchObject({ accepted: 0, duplicates: 1 });
  expect(retry.rejected).toHaveLength(1);
  // The GrowthBook SDK payload with a client key, and CORS for its origin on events.
  const clientKey = (await json(api.call('/api/v1/keys', { method: 'POST', body: { name: 'web', scope: 'client', allowedOrigins: ['https://shop.example'] } }), 201)).key as string;
  const features = await json(api.call(`/api/features/${clientKey}`));
  expect(Object.keys(features.features)).toContain('pg-e2e');
  expect((await api.call(`/api/features/${sdkKey}`)).status).toBe(401);
  const fromShop = await api.call('/api/v1/events', { method: 'POST', key: clientKey, body: { events: [{ userId: 'u3', event: 'view' }] }, origin: 'https://shop.example' });
  expect(fromShop.status).toBe(202);
  expect(fromShop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  expect((await api.call('/api/v1/events', { method: 'POST', key: clientKey, body: { events: [] }, origin: 'https://evil.example' })).status).toBe(403);
  const report = await json(api.call('/api/v1/experiments/pg-e2e/results'));
  expect(report.health.usersExposed).toBe(41);
  return { report: JSON.stringify(report), sdkKey };
}

describe('the API on PostgreSQL (DATABASE_URL)', () => {
  it('runs end to end from the server start-up, and answers the same report as on SQLite', async () => {
    const url = await postgresDatabase();
    const pg = await bootstrap({ databaseUrl: url, now });
    cleanups.push(() => closePostgresPool(url));
    expect(pg.pg).not.toBeNull();
    expect(pg.createdAdminKey).toMatch(/^wx_admin_/);
    expect(pg.seededPlanId).not.toBeNull();
    const onPostgres = await scenario(apiOf(pg, pg.createdAdminKey!));

    const dir = mkdtempSync(join(tmpdir(), 'wx-pg-api-'));
    const path = join(dir, 'app.db');
    const sqlite = await bootstrap({ databasePath: path, now });
    cleanups.push(() => { closeDatabase(path); rmSync(dir, { recursive: true, force: true }); });
    expect(sqlite.pg).toBeNull();
    const onSqlite = await scenario(apiOf(sqlite, sqlite.createdAdminKey!));
    expect(onPostgres.report).toBe(onSqlite.report);

    // A second replica of the same database: starts without migrating again or seeding twice,
    // sees the running experiment, keeps the first replica's assignments, counts into the same report.
    const replica = await bootstrap({ databaseUrl: url, now });
    expect(replica.seededPlanId).toBeNull();
    expect(replica.createdAdminKey).toBeNull();
    const b = apiOf(replica, pg.createdAdminKey!);
    const first = await json(apiOf(pg, pg.createdAdminKey!).call('/api/v1/assign?experiment=pg-e2e&userId=u7', { key: onPostgres.sdkKey }));
    const there = await json(b.call('/api/v1/assign?experiment=pg-e2e&userId=u7', { key: onPostgres.sdkKey }));
    expect(there.assignments['pg-e2e']).toMatchObject({ variant: first.assignments['pg-e2e'].variant, reason: 'sticky' });
    await json(b.call('/api/v1/assign?experiment=pg-e2e&userId=new-on-b', { key: onPostgres.sdkKey }));
    expect((await json(apiOf(pg, pg.createdAdminKey!).call('/api/v1/experiments/pg-e2e/results'))).health.usersExposed).toBe(42);
  }, 120_000);

  it('serves through the server\'s listener (Hono routes; the fast paths stay off on PostgreSQL)', async () => {
    const url = await postgresDatabase();
    const b = await bootstrap({ databaseUrl: url, now });
    cleanups.push(() => closePostgresPool(url));
    const server: Server = createServer(apiListener(b.app, b.deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const auth = { authorization: `Bearer ${b.createdAdminKey}` };
    const health = await fetch(`${base}/api/v1/health`);
    expect(health.status).toBe(200);
    const created = await fetch(`${base}/api/v1/keys`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sdk', scope: 'sdk' }) });
    const { key } = await created.json() as { key: string };
    const events = await fetch(`${base}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ userId: 'u1', event: 'x' }] }) });
    expect(await events.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const unauthorized = await fetch(`${base}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events": []}' });
    expect(unauthorized.status).toBe(401);
  }, 60_000);

  it('two replicas starting together on an empty database migrate once, seed one calendar and create one admin key', async () => {
    const url = await postgresDatabase();
    // Two pools (two processes' worth of connections): the URLs differ only in the application name.
    const urls = [url, `${url}?application_name=replica-b`];
    cleanups.push(async () => { for (const u of urls) await closePostgresPool(u); });
    const started = await Promise.all(urls.map((u) => bootstrap({ databaseUrl: u, now })));
    expect(started.filter((b) => b.createdAdminKey !== null)).toHaveLength(1);
    const counts = await started[0]!.pg!.$client.query<{ plans: number; admins: number }>(
      "select (select count(*)::int from plans) as plans, (select count(*)::int from api_keys where scope = 'admin') as admins");
    expect(counts.rows[0]).toEqual({ plans: 1, admins: 1 });
  }, 60_000);
});
