// `npm run db:copy`: a SQLite database with a plan, experiments, exposures, events, a decision,
// keys and audit lines, copied into an empty PostgreSQL database by the real command; every count
// and every report the same; the copy then serves as the database (keys, sticky users, new ids);
// a second copy into the now full database is refused.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestApp } from '../tests/helpers/test-app.ts';
import { postgresDatabase } from '../tests/helpers/postgres.ts';
import { bootstrap } from '../api/bootstrap.ts';
import { closePostgresPool } from './open-data.ts';
import { copySqliteToPostgres } from './copy.ts';

const run = promisify(execFile);
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

describe('db:copy from SQLite to PostgreSQL', () => {
  it('copies every row, checks counts and reports, and the copy serves; a full target is refused', async () => {
    const t = await createTestApp();
    cleanups.push(() => t.cleanup());
    const ok = async (path: string, body?: unknown, method = 'POST', key?: string) => {
      const res = await t.authed(path, { method, ...(body === undefined ? {} : { body }), ...(key ? { key } : {}) });
      expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
      return res.json();
    };
    await ok('/api/v1/metrics', { key: 'purchase', name: 'Purchase', kind: 'binomial', eventName: 'purchase' });
    await ok('/api/v1/experiments', { key: 'moved', name: 'Moved', variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: ['purchase'] }, exploratory: true });
    await ok('/api/v1/experiments/moved/start');
    const variants = new Map<string, string>();
    for (let i = 0; i < 30; i++) variants.set(`u${i}`, (await ok(`/api/v1/assign?experiment=moved&userId=u${i}`, undefined, 'GET', t.sdkKey)).assignments.moved.variant);
    await ok('/api/v1/events', { events: [...variants.keys()].filter((_, i) => i % 3 === 0).map((userId) => ({ userId, event: 'purchase', id: `p-${userId}` })) }, 'POST', t.sdkKey);
    await ok('/api/v1/experiments/moved/stop');

    const url = await postgresDatabase();
    const copied = await run(process.execPath, ['--import', 'tsx', 'scripts/db-copy.ts', '--to', url, '--from', t.path], { env: { ...process.env, DATABASE_PATH: t.path } });
    expect(copied.stdout).toMatch(/^copied experiments: \d+ rows$/m);
    expect(copied.stdout).toMatch(/^report moved: the same on both$/m);
    expect(copied.stdout).toMatch(/checked: 16 tables, \d+ rows, every count equal; (\d+) of \1 reports the same on both engines/);
    expect(copied.stdout).toMatch(/^done: start the servers with DATABASE_URL=/m);

    // The copy as the database: the SDK key works, users keep their variants, new rows get new ids.
    const pg = await bootstrap({ databaseUrl: url, now: () => t.clock.nowMs });
    cleanups.push(() => closePostgresPool(url));
    expect(pg.createdAdminKey).toBeNull(); // the copied admin key is there
    expect(pg.seededPlanId).toBeNull(); // and the copied plan
    const request = (path: string, key: string, body?: unknown) => pg.app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });
    await request('/api/v1/experiments/moved/start', t.adminKey, {}); // restart: assignment resumes
    const again = await (await request('/api/v1/assign?experiment=moved&userId=u7', t.sdkKey)).json();
    expect(again.assignments.moved).toMatchObject({ variant: variants.get('u7'), reason: 'sticky' });
    const created = await request('/api/v1/experiments', t.adminKey, { key: 'after-copy', name: 'After', variants: [{ key: 'a' }, { key: 'b' }] });
    expect(created.status).toBe(201);

    await expect(copySqliteToPostgres({ from: t.path, to: url, log: () => {} })).rejects.toThrow(/not empty \(rows in plans, layers, experiments/);
  }, 120_000);
});
