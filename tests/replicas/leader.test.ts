// The scheduler on several replicas of one PostgreSQL database: two real server processes
// (tests/replicas/replica-server.ts, the same bootstrap and background duties as `npm start`).
// Exactly one holds the scheduler's advisory lock and runs the ticks (it, not the other, starts
// an experiment whose start date came); killed with SIGKILL, the other takes over and starts
// the next one. Waits are on signals (log lines, statuses) with generous deadlines.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresDatabase } from '../helpers/postgres.ts';
import { isoDay } from '../../calendar/dates.ts';
import { SCHEDULER_LOCK_KEY } from '../../db/postgres/leadership.ts';
import { spawnReplica, stopReplica, type Replica } from './spawn-replica.ts';

const ADMIN = 'wx_admin_replicas-leader-test-key-0123456789';
const replicas: Replica[] = [];
const clients: pg.Client[] = [];
afterAll(async () => {
  for (const r of replicas) await stopReplica(r, 'SIGKILL');
  for (const c of clients) await c.end().catch(() => {});
});

async function call(replica: Replica, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${replica.url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

/** Creates an experiment that starts today and schedules it (through `replica`). */
async function scheduleForToday(replica: Replica, key: string): Promise<void> {
  await call(replica, '/experiments', {
    key, name: key, variants: [{ key: 'control' }, { key: 'treatment' }], exploratory: true, startDate: isoDay(Date.now()), durationDays: 7
  });
  await call(replica, `/experiments/${key}/schedule`, {});
}

/** The sessions holding the scheduler's lock now. */
async function lockHolders(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1
     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, // other test files' replicas lead in their own databases
    [SCHEDULER_LOCK_KEY]);
  return rows[0]!.n;
}

const leaderLine = /leadership: this process \(pid (\d+)\) is the leader/;

describe('the scheduler on two replicas of one PostgreSQL database', () => {
  it('runs in exactly one of them, and in the other within seconds of the leader being killed', async () => {
    const url = await postgresDatabase();
    const env = { ADMIN_API_KEY: ADMIN, SCHEDULER_INTERVAL_SECONDS: '1' };
    // One after the other: the first migrates and seeds (the lock makes together safe too, api.test.ts).
    replicas.push(await spawnReplica(url, env));
    replicas.push(await spawnReplica(url, env));
    const client = new pg.Client({ connectionString: url });
    clients.push(client);
    await client.connect();

    const first = await Promise.any(replicas.map(async (r) => { await r.waitFor(leaderLine); return r; }));
    const [leader, standby] = first === replicas[0] ? [replicas[0]!, replicas[1]!] : [replicas[1]!, replicas[0]!];
    expect(leaderLine.exec(leader.output())![1]).toBe(String(leader.pid));
    expect(await lockHolders(client)).toBe(1);

    // Scheduled through the standby; started by the leader's tick, not by the standby's.
    await scheduleForToday(standby, 'sched-one');
    await leader.waitFor(/scheduler: started sched-one/);
    expect((await call(standby, '/experiments/sched-one')).status).toBe('running');
    expect(standby.output()).not.toMatch(leaderLine);
    expect(standby.output()).not.toMatch(/scheduler: started/);

    // The leader dies without a word: its session ends, the standby's next try takes the lock.
    await stopReplica(leader, 'SIGKILL');
    await standby.waitFor(leaderLine, 30_000);
    expect(await lockHolders(client)).toBe(1);
    await scheduleForToday(standby, 'sched-two');
    await standby.waitFor(/scheduler: started sched-two/);
    expect((await call(standby, '/experiments/sched-two')).status).toBe('running');
  }, 120_000);
});
