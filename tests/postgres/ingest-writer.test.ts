// The ingestion seam (db/store/ingest.ts), one suite run on both engines: SQLite's writer
// (db/sqlite/ingest, through ingest-writer.ts) and PostgreSQL's group commit (db/postgres/ingest.ts)
// follow the same event-id rule and exposure semantics, and a turn's writes share one commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDatabase } from '../helpers/test-app.ts';
import { migratedPostgres } from '../helpers/postgres.ts';
import { sqliteData } from '../../db/sqlite/data.ts';
import { closePostgres, type PgDb } from '../../db/postgres/connection.ts';
import { postgresData } from '../../db/postgres/data.ts';
import { postgresIngestWriter } from '../../db/postgres/ingest.ts';
import { sqliteIngestWriter } from '../../db/sqlite/ingest/ingest-writer.ts';
import { sqliteAssignConfigs } from '../../db/sqlite/assign-configs.ts';
import { assignConfigRows } from '../../db/postgres/assign-configs.ts';
import type { Data, EventRow, IngestWriter } from '../../db/store/index.ts';

type Engine = { name: string; writer: IngestWriter; data: Data; exposure(experimentId: number, userId: string): Promise<{ first: number; count: number; conflicts: number } | null> };

let sqlite: ReturnType<typeof tempDatabase>;
let pg: PgDb;
const engines: Engine[] = [];

beforeAll(async () => {
  sqlite = tempDatabase();
  pg = await migratedPostgres();
  engines.push({
    name: 'sqlite', writer: sqliteIngestWriter(sqlite.db), data: sqliteData(sqlite.db),
    async exposure(e, u) {
      const row = sqlite.db.$client.prepare('SELECT first_exposed_at_ms AS first, exposure_count AS count, conflict_count AS conflicts FROM exposures WHERE experiment_id = ? AND user_id = ?').get(e, u);
      return (row as { first: number; count: number; conflicts: number } | undefined) ?? null;
    }
  }, {
    name: 'postgres', writer: postgresIngestWriter(pg.$client), data: postgresData(pg),
    async exposure(e, u) {
      const { rows } = await pg.$client.query('SELECT first_exposed_at_ms::float8 AS first, exposure_count AS count, conflict_count AS conflicts FROM exposures WHERE experiment_id = $1 AND user_id = $2', [e, u]);
      return rows[0] ?? null;
    }
  });
}, 120_000);
afterAll(async () => {
  sqlite?.cleanup();
  if (pg) await closePostgres(pg);
});

const T = 1_796_000_000_000;
const ev = (id: string | null, userId: string, name: string, value: number | null, at = T): EventRow => [id, userId, name, value, at, T + 1];

describe.each(['sqlite', 'postgres'])('IngestWriter on %s', (name) => {
  const engine = () => engines.find((e) => e.name === name)!;

  it('follows the event-id rule: unique per (user, id), a same-content repeat is a duplicate, other content a conflict', async () => {
    const w = engine().writer;
    expect(await w.events([ev('e1', 'u1', 'buy', 2.5), ev(null, 'u1', 'view', null), ev(null, 'u1', 'view', null), ev('e1', 'u2', 'buy', 1)]))
      .toEqual({ stored: 4, conflicts: [] });
    // A retry, a conflicting reuse, and inside one batch: first stored wins, a later different one conflicts.
    expect(await w.events([ev('e1', 'u1', 'buy', 2.5), ev('e1', 'u1', 'buy', 3), ev('e2', 'u1', 'buy', 1), ev('e2', 'u1', 'refund', 1), ev('e2', 'u1', 'buy', 1)]))
      .toEqual({ stored: 1, conflicts: [1, 3] });
  });

  it('program holdout: plan exposures keep the first per (plan, user); assignment configs carry the plan\'s holdout', async () => {
    const { writer: w, data } = engine();
    const plan = await data.plans.insert({ name: `Held ${name}`, startDate: '2027-03-01', holdoutShare: 0.05, holdoutSeed: 'held-seed' });
    const record = (userId: string, holdout: boolean, atMs: number) => ({ planId: plan.id, userId, holdout, atMs });
    expect(await w.planExposures([record('h1', true, T), record('n1', false, T)])).toBe(2);
    const [again, more] = await Promise.all([w.planExposures([record('h1', false, T + 5)]), w.planExposures([record('n2', false, T + 5)])]);
    expect([again, more]).toEqual([0, 1]);
    const rows = name === 'sqlite'
      ? sqlite.db.$client.prepare('SELECT user_id AS u, holdout AS h, first_exposed_at_ms AS t FROM plan_exposures WHERE plan_id = ? ORDER BY user_id').all(plan.id)
        .map((r) => ({ ...(r as { u: string; h: number; t: number }), h: (r as { h: number }).h === 1 }))
      : (await pg.$client.query('SELECT user_id AS u, holdout AS h, first_exposed_at_ms::float8 AS t FROM plan_exposures WHERE plan_id = $1 ORDER BY user_id COLLATE "C"', [plan.id])).rows;
    expect(rows).toEqual([{ u: 'h1', h: true, t: T }, { u: 'n1', h: false, t: T }, { u: 'n2', h: false, t: T + 5 }]);
    const inPlan = await data.experiments.insert({ key: `held-${name}`, name: 'Held', planId: plan.id });
    const free = await data.experiments.insert({ key: `free-${name}`, name: 'Free' });
    const configs = name === 'sqlite' ? sqliteAssignConfigs(sqlite.db.$client).rows() : await assignConfigRows(pg.$client);
    expect(configs.find((c) => c.id === inPlan.id)).toMatchObject({ planId: plan.id, holdoutShare: 0.05, holdoutSeed: 'held-seed' });
    expect(configs.find((c) => c.id === free.id)).toMatchObject({ holdoutShare: 0, holdoutSeed: null });
  });

  it('commits the writes of one turn together and answers each request its own outcome', async () => {
    const w = engine().writer;
    const before = w.stats.commits;
    const outcomes = await Promise.all([
      w.events([ev('t1', 'a', 'x', 1)]), w.events([ev('t1', 'a', 'x', 2)]), w.events([ev('t1', 'b', 'x', 1), ev(null, 'b', 'y', null)])
    ]);
    expect(outcomes).toEqual([{ stored: 1, conflicts: [] }, { stored: 0, conflicts: [0] }, { stored: 2, conflicts: [] }]);
    expect(w.stats.commits - before).toBe(1);
  });

  it('records /assign exposures (first wins, repeats counted, an earlier time moves the first exposure) and checked /exposures items in order', async () => {
    const { writer: w, data } = engine();
    const experiment = await data.experiments.insert({ key: `ingest-${name}`, name: 'Ingest' });
    const id = experiment.id;
    const assign = (userId: string, variant: string, atMs: number) => ({ experimentId: id, userId, variant, atMs, attributesJson: '{"segment":"new"}' });
    expect(await w.assignments([assign('u1', 'b', T)])).toEqual([{ variant: 'b', count: 1 }]);
    const [again, other] = await Promise.all([w.assignments([assign('u1', 'control', T - 5_000)]), w.assignments([assign('u2', 'control', T)])]);
    expect(again).toEqual([{ variant: 'b', count: 2 }]);
    expect(other).toEqual([{ variant: 'control', count: 1 }]);
    expect(await engine().exposure(id, 'u1')).toEqual({ first: T - 5_000, count: 2, conflicts: 0 });
    expect(await w.recordedVariant(id, 'u1')).toBe('b');
    expect(await w.recordedVariant(id, 'nobody')).toBeUndefined();

    const outcome = await w.exposures([
      { index: 0, experimentId: id, userId: 'u3', hashVariant: 'control', atMs: T, attributesJson: '{}' },
      { index: 1, experimentId: id, userId: 'u3', claimedVariant: 'b', hashVariant: 'b', atMs: T, attributesJson: '{}' },
      { index: 2, experimentId: id, userId: 'u1', claimedVariant: 'b', hashVariant: 'control', atMs: T, attributesJson: '{}' },
      { index: 3, experimentId: id, userId: 'u4', notAssigned: 'not in the experiment', atMs: T, attributesJson: '{}' }
    ]);
    expect(outcome).toEqual({
      accepted: 1, duplicates: 1,
      rejected: [{ index: 1, error: "variant 'b' does not match the user's assignment 'control'" }, { index: 3, error: 'not in the experiment' }]
    });
    expect((await engine().exposure(id, 'u3'))?.conflicts).toBe(1);
  });

  it('fails only the job that breaks, not the others of its turn', async () => {
    const { writer: w, data } = engine();
    const experiment = await data.experiments.insert({ key: `broken-${name}`, name: 'Broken' });
    const [good, bad] = await Promise.allSettled([
      w.events([ev(null, 'ok', 'x', 1)]),
      w.assignments([{ experimentId: experiment.id + 1000, userId: 'u', variant: 'b', atMs: T, attributesJson: '{}' }]) // no such experiment
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: { stored: 1, conflicts: [] } });
    expect(bad.status).toBe('rejected');
  });
});
