// Both engines refuse an exposure dated before its experiment started (beyond the clock
// tolerance) and record one within the tolerance at the start: the PostgreSQL assignment config
// carries started_at_ms as SQLite's does (db/postgres/assign-configs.ts), so the check in
// api/ingest/exposures.ts reads the same start on either. The same calls, the same answers and rows.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresDatabase } from '../helpers/postgres.ts';
import { bootstrap, type Bootstrapped } from '../../api/bootstrap.ts';
import { closeDatabase } from '../../db/sqlite/connection.ts';
import { closePostgresPool } from '../../db/open-data.ts';

const startMs = new Date(2026, 10, 23, 9).getTime();
const clock = { nowMs: startMs };
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

type Engine = { name: string; open(): Promise<Bootstrapped>; rows(b: Bootstrapped): Promise<Array<[string, number]>> };
const engines: Engine[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'wx-start-'));
      const path = join(dir, 'app.db');
      cleanups.push(() => { closeDatabase(path); rmSync(dir, { recursive: true, force: true }); });
      return bootstrap({ databasePath: path, now: () => clock.nowMs });
    },
    async rows(b) {
      return (b.db.$client.prepare(`SELECT x.user_id AS u, x.first_exposed_at_ms AS at FROM exposures x JOIN experiments e ON e.id = x.experiment_id
        WHERE e.key = 'early-bird' ORDER BY x.user_id`).all() as Array<{ u: string; at: number }>).map((r) => [r.u, r.at]);
    }
  },
  {
    name: 'PostgreSQL',
    async open() {
      const url = await postgresDatabase();
      cleanups.push(() => closePostgresPool(url));
      return bootstrap({ databaseUrl: url, now: () => clock.nowMs });
    },
    async rows(b) {
      const { rows } = await b.pg!.$client.query<{ u: string; at: number }>(`SELECT x.user_id AS u, x.first_exposed_at_ms::float8 AS at
        FROM exposures x JOIN experiments e ON e.id = x.experiment_id WHERE e.key = 'early-bird' ORDER BY x.user_id`);
      return rows.map((r) => [r.u, r.at]);
    }
  }
];

describe.each(engines)('exposures before the start on $name', (engine) => {
  it('beyond the clock tolerance: refused; within it: recorded at the start', async () => {
    const b = await engine.open();
    const call = (path: string, body: unknown) => b.app.request(path, {
      method: 'POST', headers: { authorization: `Bearer ${b.createdAdminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body)
    });
    clock.nowMs = startMs;
    expect((await call('/api/v1/experiments', { key: 'early-bird', name: 'Early', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] })).status).toBe(201);
    expect((await call('/api/v1/experiments/early-bird/start', {})).status).toBe(200);
    clock.nowMs = startMs + 60 * 60_000;
    const early = startMs - 6 * 60_000;
    const res = await call('/api/v1/exposures', { exposures: [
      { experiment: 'early-bird', userId: 'skewed', timestamp: startMs - 4 * 60_000 },
      { experiment: 'early-bird', userId: 'early', timestamp: new Date(early).toISOString() },
      { experiment: 'early-bird', userId: 'on-time', timestamp: startMs + 60_000 }
    ] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [
      { index: 1, error: `timestamp: timestamp ${new Date(early).toISOString()} is before experiment 'early-bird' started (${new Date(startMs).toISOString()}), beyond the clock tolerance of 5 minutes` }
    ] });
    expect(await engine.rows(b)).toEqual([['on-time', startMs + 60_000], ['skewed', startMs]]);
  }, 60_000);
});
