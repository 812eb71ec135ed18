// Two real replicas (tests/replicas/replica-server.ts) on one PostgreSQL database:
// - sticky assignment across replicas: users exposed through A keep their variant through B after
//   the weights change (through A), while B gives new users the new weights;
// - the same report computed by both replicas at once, again and again while exposures and events
//   arrive through both: every answer succeeds, both end with the same report, and it equals the
//   report rebuilt from scratch (the incremental store neither corrupted nor counted anything twice).
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresDatabase } from '../helpers/postgres.ts';
import { forgetReportStore } from '../../db/postgres/report-source.ts';
import { spawnReplica, stopReplica, type Replica } from './spawn-replica.ts';

const ADMIN = 'wx_admin_replicas-sticky-test-key-0123456789';
const replicas: Replica[] = [];
const pools: pg.Pool[] = [];
afterAll(async () => {
  for (const r of replicas) await stopReplica(r, 'SIGKILL');
  for (const p of pools) await p.end();
});

async function ok(replica: Replica, path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${replica.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${init.key ?? ADMIN}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) })
  });
  const body = await res.json();
  expect(res.status, `${init.method ?? 'GET'} ${path}: ${JSON.stringify(body)}`).toBeLessThan(300);
  return body;
}

/** The report without the moment it was made. */
async function report(replica: Replica): Promise<string> {
  const { generatedAtMs: _at, ...rest } = await ok(replica, '/api/v1/experiments/shared/results');
  return JSON.stringify(rest);
}

describe('two replicas on one PostgreSQL database', () => {
  it('keep exposed users sticky across replicas after a weight change, and compute the same report at once without harm', async () => {
    const url = await postgresDatabase();
    const env = { ADMIN_API_KEY: ADMIN };
    replicas.push(await spawnReplica(url, env));
    replicas.push(await spawnReplica(url, env));
    const [a, b] = replicas as [Replica, Replica];
    const sdk = (await ok(a, '/api/v1/keys', { body: { name: 'app', scope: 'sdk' } })).key as string;
    await ok(a, '/api/v1/metrics', { body: { key: 'purchase', name: 'Purchase', kind: 'binomial', eventName: 'purchase' } });
    await ok(a, '/api/v1/experiments', { body: {
      key: 'shared', name: 'Shared', variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: ['purchase'] }, exploratory: true
    } });
    await ok(a, '/api/v1/experiments/shared/start', { body: {} });
    const assign = async (replica: Replica, userId: string, expose = true) =>
      (await ok(replica, `/api/v1/assign?experiment=shared&userId=${userId}${expose ? '' : '&expose=false'}`, { key: sdk })).assignments.shared as { variant: string; reason: string };

    // Sticky: 20 users exposed through A, then everyone new goes to the control (weights 1 / 0, through A).
    const first = new Map<string, string>();
    for (let i = 0; i < 20; i++) first.set(`s${i}`, (await assign(a, `s${i}`)).variant);
    expect(new Set(first.values())).toEqual(new Set(['control', 'treatment']));
    await ok(a, '/api/v1/experiments/shared', { method: 'PATCH', body: { confirm: true, variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 0 }] } });
    const deadline = Date.now() + 10_000;
    while ((await Promise.all([0, 1, 2, 3, 4].map((i) => assign(b, `probe-${Date.now()}-${i}`, false)))).some((x) => x.variant !== 'control')) {
      expect(Date.now(), 'B never saw the new weights').toBeLessThan(deadline);
    }
    for (const [userId, variant] of first) expect(await assign(b, userId), userId).toEqual(expect.objectContaining({ variant, reason: 'sticky' }));

    // Back to 50 / 50; then rounds of exposures and events through both, each followed by the same
    // report asked of both replicas at once (twice each).
    await ok(a, '/api/v1/experiments/shared', { method: 'PATCH', body: { confirm: true, variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 1 }] } });
    let exposed = first.size;
    for (let round = 0; round < 4; round++) {
      const via = round % 2 === 0 ? [a, b] : [b, a];
      const users = Array.from({ length: 12 }, (_, i) => `r${round}-${i}`);
      await Promise.all(users.map((u, i) => assign(via[i % 2]!, u)));
      exposed += users.length;
      const buyers = [...users.filter((_, i) => i % 3 !== 0), ...[...first.keys()].filter((_, i) => (i + round) % 5 === 0)];
      await Promise.all([0, 1].map((half) => ok(via[half]!, '/api/v1/events', { key: sdk, body: {
        events: buyers.filter((_, i) => i % 2 === half).map((userId) => ({ userId, event: 'purchase', id: `buy-${round}-${userId}` }))
      } })));
      const reports = await Promise.all([report(a), report(b), report(a), report(b)]);
      expect(reports.every((r) => JSON.parse(r).health.usersExposed === exposed)).toBe(true);
    }
    const [onA, onB] = await Promise.all([report(a), report(b)]);
    expect(onB).toBe(onA);

    // Rebuilt from scratch: the same report.
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(pool);
    await forgetReportStore(pool);
    expect(await report(b)).toBe(onA);
  }, 180_000);
});
