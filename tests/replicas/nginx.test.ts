// Two real replicas (tests/replicas/replica-server.ts) on one throwaway PostgreSQL behind a real
// nginx (Debian's package; scripts/ensure-nginx.mjs) started by this test with a config of its
// own in a temporary folder (tests/nginx/nginx.ts): round robin on loopback. The simulator (scripts/simulate) drives
// assignments, exposures and events through nginx; the replica leading the scheduler is killed
// with SIGKILL once the first exposures are acknowledged, while the rest are on the way.
// Afterwards: the simulator finished (every request answered 2xx: nginx retried on the survivor
// what the dead replica left unanswered, which is safe because ingestion is idempotent), every
// acknowledged exposure and event is stored exactly once, the report through nginx counts exactly
// what the simulator sent and equals the report rebuilt from scratch, and the survivor leads.
// Everything is started once: process starts cost seconds each on a loaded machine.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresDatabase } from '../helpers/postgres.ts';
import { forgetReportStore } from '../../db/postgres/report-source.ts';
import { SCHEDULER_LOCK_KEY } from '../../db/postgres/leadership.ts';
import { runSimulation } from '../../scripts/simulate/index.ts';
import { startNginx, type Nginx } from '../nginx/nginx.ts';
import { spawnReplica, stopReplica, type Replica } from './spawn-replica.ts';

const ADMIN = 'wx_admin_replicas-nginx-test-key-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'wx-nginx-'));
const replicas: Replica[] = [];
let nginx: Nginx | null = null;
const pools: pg.Pool[] = [];
afterAll(async () => {
  await nginx?.stop();
  for (const r of replicas) await stopReplica(r, 'SIGKILL');
  for (const p of pools) await p.end();
  rmSync(dir, { recursive: true, force: true });
});

async function call(base: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${base}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  });
  const json = await res.json();
  expect(res.status, `${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
  return json;
}

const leaderLine = /leadership: this process \(pid (\d+)\) is the leader/;
// Each experiment its own metric: the simulator's users are shared by both experiments
// (`sharedUsers`, one assign request per user), and its event ids are user + event name.
const METRIC_OF: Record<string, string> = { 'lb-one': 'lb_signup', 'lb-two': 'lb_purchase' };
const EXPERIMENTS = Object.keys(METRIC_OF);
const METRICS = Object.values(METRIC_OF);

describe('two replicas on one PostgreSQL behind nginx', () => {
  it('lose no acknowledged exposure or event when the leader is killed during ingestion, store none twice, and report what was sent', async () => {
    const t0 = performance.now();
    const phases: string[] = [];
    const phase = (name: string) => phases.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const url = await postgresDatabase();
    const env = { ADMIN_API_KEY: ADMIN, SCHEDULER_INTERVAL_SECONDS: '1' };
    // Started together: migrations and the first seed run once, under the migration lock.
    const started = await Promise.allSettled([spawnReplica(url, env), spawnReplica(url, env)]);
    for (const s of started) if (s.status === 'fulfilled') replicas.push(s.value); // stopped by afterAll either way
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const lb = nginx = await startNginx(dir, replicas.map((r) => r.url.replace('http://', '')));

    phase('replicas and nginx up');
    const leader = await Promise.any(replicas.map(async (r) => { await r.waitFor(leaderLine); return r; }));
    const survivor = replicas.find((r) => r !== leader)!;

    // Through nginx: two metrics, two 50/50 experiments started now.
    for (const key of METRICS) await call(lb.url, '/metrics', { key, name: key, kind: 'binomial', eventName: key, baseline: 0.3 });
    for (const key of EXPERIMENTS) {
      await call(lb.url, '/experiments', {
        key, name: key, variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: [METRIC_OF[key]] }, exploratory: true
      });
      await call(lb.url, `/experiments/${key}/start`, {});
    }

    // The leader dies at the first acknowledged exposures (of the first experiment): one or two more
    // batches of 500 may be in flight, the events and the second experiment are still to come.
    let killed: Promise<void> | null = null;
    const watch = setInterval(() => {
      if (!killed && / \/api\/v1\/exposures 20\d /.test(lb.log())) killed = stopReplica(leader, 'SIGKILL');
    }, 5);
    let sent;
    try {
      sent = await runSimulation({
        baseUrl: lb.url, apiKey: ADMIN, experiments: EXPERIMENTS, usersPerExperiment: 1000, sharedUsers: true, seed: 12, concurrency: 16,
        effects: { 'lb-one': { treatment: { lb_signup: 0.2 } }, 'lb-two': {} }
      });
    } finally { clearInterval(watch); }
    phase('simulation done');
    expect(killed, 'the leader was not killed during ingestion').not.toBeNull();
    await killed;
    const log = lb.log().trim().split('\n');
    const dead = leader.url.replace('http://', '');
    const ingestion = log.filter((l) => / \/api\/v1\/(exposures|events) /.test(l));
    // Both replicas answered before the kill (round robin); then nginx turned away from the dead
    // one (a request in flight there or sent to it after went on to the survivor: `dead, survivor`
    // in the log), and every ingestion answer was a 2xx.
    expect(log.some((l) => l.includes(`upstream=${dead} `))).toBe(true);
    expect(log.some((l) => l.includes(`upstream=${dead}, `))).toBe(true);
    expect(ingestion.filter((l) => !/ 20\d /.test(l))).toEqual([]);

    // Stored exactly once: the database counts what the simulator sent (all of it acknowledged).
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(pool);
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const exposuresSent = EXPERIMENTS.reduce((a, k) => a + sum(sent.experiments[k]!.exposures), 0);
    const eventsSent = EXPERIMENTS.reduce((a, k) => a + METRICS.reduce((b, m) => b + sum(sent.experiments[k]!.events[m] ?? {}), 0), 0);
    expect(exposuresSent).toBeGreaterThan(1500);
    expect(await count('select count(*) as n from exposures')).toBe(exposuresSent);
    expect(await count('select count(*) as n from events')).toBe(eventsSent);

    // The report through nginx (the survivor now) counts exactly that, and equals the one
    // rebuilt from scratch.
    const report = async (key: string) => {
      const { generatedAtMs: _at, ...rest } = await call(lb.url, `/experiments/${key}/results`);
      return rest as { health: { usersExposed: number }; metrics: Array<{ key: string; arms: Array<{ variant: string; users: number; mean: number | null }> }> };
    };
    const before = new Map<string, string>();
    for (const key of EXPERIMENTS) {
      const r = await report(key);
      const s = sent.experiments[key]!;
      expect(r.health.usersExposed, key).toBe(sum(s.exposures));
      for (const m of r.metrics) {
        for (const arm of m.arms) {
          expect(arm.users, `${key} ${arm.variant}`).toBe(s.exposures[arm.variant]);
          expect(Math.round((arm.mean ?? 0) * arm.users), `${key} ${m.key} ${arm.variant}`).toBe(s.events[m.key]?.[arm.variant] ?? 0);
        }
      }
      before.set(key, JSON.stringify(r));
    }
    phase('reports checked');
    await forgetReportStore(pool);
    for (const key of EXPERIMENTS) expect(JSON.stringify(await report(key)), key).toBe(before.get(key));

    // The survivor took the scheduler's lock: it alone holds it.
    await survivor.waitFor(leaderLine, 30_000);
    expect(leaderLine.exec(survivor.output())![1]).toBe(String(survivor.pid));
    expect(await count(`select count(*) as n from pg_locks where locktype = 'advisory' and granted
      and database = (select oid from pg_database where datname = current_database())
      and ((classid::bigint << 32) | objid::bigint) = ${SCHEDULER_LOCK_KEY}`)).toBe(1);
    phase('survivor leads');
    console.log(`nginx test: ${phases.join(', ')}; ${log.filter((l) => l.includes(', ')).length} requests failed over`);
  }, 240_000);
});
