// The metric kinds retention (and churn), threshold, time to event and the ratio with an
// event-count denominator against R, on SQLite and on PostgreSQL. The raw rows and R's numbers
// come from stats/fixtures/metric-kinds/generate.R (exposures.csv, events.csv, expected.json):
// R computes each user's value from the raw events, then prop.test / t.test / the delta method.
// Here the same rows go into each engine's tables, the report is built by our SQL (the
// incremental report store: half the events cold, the rest past the watermarks, then a rebuild
// from scratch) and stats/, and every number must match R's.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../helpers/test-app.ts';
import { migratedPostgres } from '../helpers/postgres.ts';
import { sqliteData } from '../../db/sqlite/data.ts';
import { ensureReportStore } from '../../db/sqlite/queries/index.ts';
import { closePostgres, type PgDb } from '../../db/postgres/connection.ts';
import { postgresData } from '../../db/postgres/data.ts';
import { forgetReportStore } from '../../db/postgres/report-source.ts';
import type { Data } from '../../db/store/index.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { buildReport, reportToMarkdown } from '../../calendar/reports/index.ts';
import { createMetric } from '../../calendar/metrics/index.ts';
import type { Report } from '../../calendar/reports/types.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const dir = new URL('../../stats/fixtures/metric-kinds/', import.meta.url);
type Definition = Parameters<typeof createMetric>[1];
type Expected = {
  key: string; usersControl: number; usersTreatment: number; usersWaiting: number; test: string;
  meanControl: number; meanTreatment: number; estimate: number; statistic: number; df?: number; pValue: number; confInt: [number, number];
};
const fixture = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as {
  startMs: number; nowMs: number; metrics: Definition[]; results: Expected[];
};
const csv = (name: string) => readFileSync(new URL(name, dir), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
// The seeded experiment's variants are control and guided: R's treatment is guided.
const exposures = csv('exposures.csv').map(([userId, variant, first]) => ({ userId: userId!, variant: variant === 'treatment' ? 'guided' : 'control', firstMs: Number(first) }));
const events = csv('events.csv').map(([userId, name, ts, value]) => ({ userId: userId!, name: name!, timestampMs: Number(ts), value: value === '' ? null : Number(value) }));

type Engine = {
  name: string; data: Data;
  insert(exposureRows: typeof exposures, eventRows: typeof events): Promise<void>;
  forget(): Promise<void>;
};

async function prepare(data: Data): Promise<number> {
  await seedOnFirstStart(data, fixture.startMs - 7 * 86_400_000);
  const experiment = (await data.experiments.byKey(KEY))!;
  await data.experiments.update(experiment.id, { status: 'running', startedAtMs: fixture.startMs });
  const ctx = { actor: 'test', nowMs: fixture.startMs };
  const ids: number[] = [];
  for (const m of fixture.metrics) ids.push((await createMetric(data, { ...m, key: `r_${m.key}` }, ctx)).id);
  await data.experiments.replaceMetricLinks(experiment.id, ids.map((metricId, i) => ({ metricId, role: i === 0 ? 'primary' : 'secondary' })));
  return experiment.id;
}

let cleanups: Array<() => Promise<void> | void> = [];
let engines: Engine[] = [];

beforeEach(async () => {
  const sqlite = tempDatabase();
  const pg: PgDb = await migratedPostgres();
  cleanups = [() => sqlite.cleanup(), () => closePostgres(pg)];
  const sqliteStores = sqliteData(sqlite.db);
  const pgStores = postgresData(pg);
  const sqliteId = await prepare(sqliteStores);
  const pgId = await prepare(pgStores);
  const client = sqlite.db.$client;
  engines = [{
    name: 'sqlite', data: sqliteStores,
    async insert(xs, es) {
      const x = client.prepare(`INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms,
        exposure_count, conflict_count, attributes) VALUES (?, ?, ?, ?, ?, 1, 0, '{}')`);
      const e = client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, ?, ?, ?)');
      client.transaction(() => {
        for (const r of xs) x.run(sqliteId, r.userId, r.variant, r.firstMs, r.firstMs);
        for (const r of es) e.run(r.userId, r.name, r.value, r.timestampMs, fixture.nowMs);
      })();
    },
    async forget() { ensureReportStore(client); client.prepare('DELETE FROM report_refresh_state').run(); }
  }, {
    name: 'postgres', data: pgStores,
    async insert(xs, es) {
      if (xs.length) {
        await pg.$client.query(`INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
          SELECT $1, u, v, f, f, 1, 0, '{}'::jsonb FROM unnest($2::text[], $3::text[], $4::bigint[]) AS t(u, v, f)`,
        [pgId, xs.map((r) => r.userId), xs.map((r) => r.variant), xs.map((r) => r.firstMs)]);
      }
      await pg.$client.query(`INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms)
        SELECT u, n, v, t, $1 FROM unnest($2::text[], $3::text[], $4::float8[], $5::bigint[]) AS r(u, n, v, t)`,
      [fixture.nowMs, es.map((r) => r.userId), es.map((r) => r.name), es.map((r) => r.value), es.map((r) => r.timestampMs)]);
    },
    forget: () => forgetReportStore(pg.$client)
  }];
}, 120_000);
afterEach(async () => { for (const c of cleanups) await c(); });

const report = (e: Engine) => buildReport(e.data, KEY, { analysis: 'fixed', correction: 'none' }, fixture.nowMs);

/** |a - b| relative to |b| (absolute below 1e-12 for values near 0). */
const close = (actual: number | null | undefined, expected: number, where: string, tolerance = 1e-9) => {
  expect(actual, where).not.toBeNull();
  expect(Math.abs(actual! - expected) / Math.max(Math.abs(expected), 1e-3), `${where}: ${actual} vs R ${expected}`).toBeLessThan(tolerance);
};

function expectMatchesR(r: Report, engine: string): void {
  for (const want of fixture.results) {
    const where = `${engine} ${want.key} (${want.test})`;
    const got = r.metrics.find((m) => m.key === `r_${want.key}`)!;
    expect(got, where).toBeDefined();
    expect(got.arms.map((a) => [a.variant, a.users]), where).toEqual([['control', want.usersControl], ['guided', want.usersTreatment]]);
    expect(got.usersWaiting ?? 0, `${where} users waiting`).toBe(want.usersWaiting);
    close(got.arms[0]!.mean, want.meanControl, `${where} control mean`);
    close(got.arms[1]!.mean, want.meanTreatment, `${where} treatment mean`);
    const c = got.comparisons[0]!;
    expect(c, where).toBeDefined();
    close(c.absolute.estimate, want.estimate, `${where} difference`);
    close(c.absolute.ciLow, want.confInt[0], `${where} CI low`, 1e-7);
    close(c.absolute.ciHigh, want.confInt[1], `${where} CI high`, 1e-7);
    close(c.pValue, want.pValue, `${where} p-value`, 1e-6);
  }
}

describe('metric kinds agree with R on both engines', () => {
  it('retention, churn, threshold, time to event and mean-per-event ratios: cold, incremental and rebuilt', async () => {
    const half = Math.floor(events.length / 2);
    for (const e of engines) {
      await e.insert(exposures, events.slice(0, half));
      await report(e); // the store is built from the first half ...
      await e.insert([], events.slice(half));
      expectMatchesR(await report(e), `${e.name} incremental`); // ... and advanced past its watermarks
      await e.forget();
      expectMatchesR(await report(e), `${e.name} rebuilt`);
    }
    const r = await report(engines[0]!);
    const restriction = r.metrics.find((m) => m.key === 'r_time_to_activation')!;
    expect(restriction.restrictionHours).toBe(14 * 24);
    expect(restriction.notes.join(' ')).toMatch(/Restricted mean over 14 days \(336 hours\)/);
    expect(r.metrics.find((m) => m.key === 'r_returned_d7_14')!.notes.join(' ')).toMatch(/374 exposed users left out: their day 7-14 window has not closed yet/);
    // The Markdown export says it too.
    expect(reportToMarkdown(r)).toContain('- Returned on days 7-14: 374 exposed users left out: their day 7-14 window has not closed yet.');
  }, 120_000);
});
