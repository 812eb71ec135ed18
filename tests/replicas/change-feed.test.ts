// Changes made through one replica are seen by another within a second: two real server
// processes (tests/replicas/replica-server.ts) on one PostgreSQL database, the change feed
// (LISTEN/NOTIFY, db/postgres/change-feed.ts) between them. Through A: a forced variant, new
// weights, a stop, a key revoked and one created; B answers accordingly (polled with a one-second
// deadline, as the issue asks), and the real GrowthBook SDK streaming from B sees the stop.
import { afterAll, describe, expect, it } from 'vitest';
import { EventSource } from 'eventsource';
import { GrowthBook, configureCache, setPolyfills } from '@growthbook/growthbook';
import { postgresDatabase } from '../helpers/postgres.ts';
import { spawnReplica, stopReplica, type Replica } from './spawn-replica.ts';

setPolyfills({ EventSource });
configureCache({ disableCache: true });

const ADMIN = 'wx_admin_replicas-feed-test-key-0123456789';
/** What the issue promises: a change on one replica is seen by every replica within this. */
const WITHIN_MS = 1_000;
const replicas: Replica[] = [];
afterAll(async () => { for (const r of replicas) await stopReplica(r, 'SIGKILL'); });

async function call(replica: Replica, path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${replica.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${init.key ?? ADMIN}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}
async function ok(replica: Replica, path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { status, body } = await call(replica, path, init);
  expect(status, `${init.method ?? 'GET'} ${path}: ${JSON.stringify(body)}`).toBeLessThan(300);
  return body;
}

/** Polls `probe` until it returns true; fails when `WITHIN_MS` passed since `sinceMs` without. */
async function seenWithin(what: string, sinceMs: number, probe: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await probe()) return;
    if (Date.now() - sinceMs > WITHIN_MS) throw new Error(`${what}: not seen on replica B within ${WITHIN_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a change through one replica, seen by another', () => {
  it('forced variant, weights, stop, key revoked and created: B answers accordingly within a second; its SSE stream sees the stop', async () => {
    const url = await postgresDatabase();
    const env = { ADMIN_API_KEY: ADMIN };
    replicas.push(await spawnReplica(url, env));
    replicas.push(await spawnReplica(url, env));
    const [a, b] = replicas as [Replica, Replica];

    const sdk = await ok(a, '/api/v1/keys', { body: { name: 'app', scope: 'sdk' } });
    const client = await ok(a, '/api/v1/keys', { body: { name: 'web', scope: 'client' } });
    await ok(a, '/api/v1/experiments', { body: { key: 'feed', name: 'Feed', variants: [{ key: 'control' }, { key: 'treatment' }], exploratory: true } });
    await ok(a, '/api/v1/experiments/feed/start', { body: {} });
    const assignOnB = async (userId: string) =>
      (await ok(b, `/api/v1/assign?experiment=feed&userId=${userId}&expose=false`, { key: sdk.key })).assignments.feed as { variant: string | null; reason: string };
    expect((await assignOnB('first')).variant).not.toBeNull();

    // The GrowthBook SDK streaming from B.
    const gb = new GrowthBook({ apiHost: b.url, clientKey: client.key, attributes: { id: 'shopper' } });
    await gb.init({ timeout: 5000, streaming: true });
    try {
      expect(gb.getFeatures().feed!.rules).toHaveLength(1);

      // A QA forced variant, set through A.
      let since = Date.now();
      await ok(a, '/api/v1/experiments/feed', { method: 'PATCH', body: { forcedVariants: { 'qa-ana': 'treatment' } } });
      await seenWithin('forced variant', since, async () => {
        const got = await assignOnB('qa-ana');
        return got.variant === 'treatment' && got.reason === 'forced';
      });

      // Everyone not yet exposed to the treatment: weights 0 / 1.
      since = Date.now();
      await ok(a, '/api/v1/experiments/feed', { method: 'PATCH', body: { confirm: true, variants: [{ key: 'control', weight: 0 }, { key: 'treatment', weight: 1 }] } });
      let fresh = 0;
      await seenWithin('new weights', since, async () => {
        const users = await Promise.all([1, 2, 3, 4, 5].map(() => assignOnB(`new-${fresh++}`)));
        return users.every((u) => u.variant === 'treatment');
      });

      // Stopped through A: B assigns the control, and the SDK's stream from B drops the experiment rule.
      since = Date.now();
      await ok(a, '/api/v1/experiments/feed/stop', { body: {} });
      await seenWithin('stop (assign)', since, async () => (await assignOnB('after-stop')).reason !== 'hash');
      expect((await assignOnB('after-stop-2')).variant).toBe('control');
      await seenWithin('stop (SSE)', since, async () => gb.getFeatures().feed?.rules === undefined);
      expect(gb.getFeatureValue('feed', 'none')).toBe('control');
    } finally {
      gb.destroy({ destroyAllStreams: true });
    }

    // A stream of the client key open on B closes when A revokes the key.
    const stream = await fetch(`${b.url}/sub/${client.key}`);
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read(); // the first payload: the stream is open
    let since = Date.now();
    await ok(a, `/api/v1/keys/${client.id}`, { method: 'DELETE' });
    await seenWithin('revoked key (stream closed)', since, async () => {
      const next = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 50))]);
      return next !== null && next.done;
    });
    since = Date.now();
    await ok(a, `/api/v1/keys/${sdk.id}`, { method: 'DELETE' });
    await seenWithin('revoked key (401)', since, async () => (await call(b, '/api/v1/assign?experiment=feed&userId=x', { key: sdk.key })).status === 401);

    // A key created through A works on B at once.
    const created = await ok(a, '/api/v1/keys', { body: { name: 'later', scope: 'sdk' } });
    expect((await call(b, '/api/v1/assign?experiment=feed&userId=x', { key: created.key })).status).toBe(200);
  }, 120_000);
});
