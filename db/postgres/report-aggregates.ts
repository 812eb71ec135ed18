/**
 * Sufficient statistics from the PostgreSQL report store (the form of SQLite's
 * `db/sqlite/queries/store-aggregates.ts`): exposed users and Σy, Σy², Σd, Σd², Σyd per (variant, day)
 * from the running sums, a winsorized metric's excess over its cap subtracted. The database
 * returns a few hundred group rows; only the running total over days is added up here, in the
 * same order as SQLite's, so both engines give the same numbers.
 */
import type pg from 'pg';
import type { GroupAggregate, MetricSums, StoreMetric } from '../store/index.ts';
import { query, STORE_SCHEMA } from './report-store-schema.ts';
import { DAY_MS, isWinsorized, USERS_METRIC_ID } from './report-values.ts';

/** Exposed users of one (variant, UTC day of first exposure). */
export type ExposureGroup = { variant: string; day: number; users: number };

const zeroSums = (): MetricSums => ({ sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 });
const groupKey = (variant: string, day: number) => `${variant}\u0000${day}`;

/** Exposed users per (variant, day of first exposure), ordered by day then variant (byte order). */
export async function exposureGroups(client: pg.ClientBase, experimentId: number): Promise<ExposureGroup[]> {
  return query<ExposureGroup>(client,
    `SELECT variant_key AS variant, day, n::int AS users FROM ${STORE_SCHEMA}.group_sums
     WHERE experiment_id = :experimentId::int AND metric_id = ${USERS_METRIC_ID} AND n <> 0 ORDER BY day, variant_key COLLATE "C"`,
    { experimentId });
}

/** First and last first-exposure time over the given variants (one index range per variant). */
export async function storeExposureSpan(client: pg.ClientBase, experimentId: number, variantKeys: string[]): Promise<{ firstMs: number | null; lastMs: number | null }> {
  const [row] = await query<{ firstMs: number | null; lastMs: number | null }>(client,
    `SELECT min(first_exposed_at_ms)::float8 AS "firstMs", max(first_exposed_at_ms)::float8 AS "lastMs" FROM exposures
     WHERE experiment_id = :experimentId::int AND variant_key = ANY(:variantKeys::text[])`,
    { experimentId, variantKeys });
  return { firstMs: row?.firstMs ?? null, lastMs: row?.lastMs ?? null };
}

/**
 * The winsorization cap of each metric that asks for one: nearest rank among users with a
 * non-zero value, as SQLite's `storeCaps` (the count from the running sums, the value from the
 * top of the metric's value index).
 */
export async function storeCaps(client: pg.ClientBase, experimentId: number, metrics: StoreMetric[]): Promise<Array<number | null>> {
  const caps: Array<number | null> = [];
  for (const metric of metrics) {
    if (!isWinsorized(metric)) { caps.push(null); continue; }
    const p = metric.winsorizePercentile!;
    const params = { experimentId, metricId: metric.metricId };
    const [{ n }] = await query<{ n: number }>(client,
      `SELECT coalesce(sum(n), 0)::float8 AS n FROM ${STORE_SCHEMA}.group_sums WHERE experiment_id = :experimentId::int AND metric_id = :metricId::int`, params);
    if (n === 0) { caps.push(null); continue; }
    const rank = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
    const [row] = await query<{ cap: number }>(client,
      `SELECT value AS cap FROM ${STORE_SCHEMA}.user_values WHERE experiment_id = :experimentId::int AND metric_id = :metricId::int AND winsorized
       ORDER BY value DESC LIMIT 1 OFFSET :offset::bigint`,
      { ...params, offset: n - 1 - rank });
    caps.push(row?.cap ?? null);
  }
  return caps;
}

/** Σ per (variant, day) of one metric from the running sums; with a cap, minus the excess of the users above it. */
async function metricGroups(client: pg.ClientBase, experimentId: number, metric: StoreMetric, cap: number | null): Promise<Map<string, MetricSums>> {
  const params = { experimentId, metricId: metric.metricId };
  const rows = await query<MetricSums & { variant: string; day: number }>(client,
    `SELECT variant_key AS variant, day, sum, sum_squares AS "sumSquares", sum_denominator AS "sumDenominator",
       sum_denominator_squares AS "sumDenominatorSquares", sum_cross_products AS "sumCrossProducts"
     FROM ${STORE_SCHEMA}.group_sums WHERE experiment_id = :experimentId::int AND metric_id = :metricId::int`, params);
  // Time to event keeps d (users with the event) as a ratio keeps its denominator.
  const ratio = metric.kind === 'ratio' || metric.kind === 'time_to_event';
  const groups = new Map(rows.map(({ variant, day, ...s }) => [groupKey(variant, day),
    ratio ? s : { ...s, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }]));
  if (cap !== null) {
    const excess = await query<{ variant: string; day: number; over: number; overSquares: number }>(client,
      `SELECT variant_key AS variant, day, coalesce(sum(value - :cap::float8), 0) AS over,
         coalesce(sum(value * value - :cap::float8 * :cap::float8), 0) AS "overSquares"
       FROM ${STORE_SCHEMA}.user_values
       WHERE experiment_id = :experimentId::int AND metric_id = :metricId::int AND winsorized AND value > :cap::float8 GROUP BY 1, 2`,
      { ...params, cap });
    for (const e of excess) {
      const s = groups.get(groupKey(e.variant, e.day));
      if (s) { s.sum -= e.over; s.sumSquares -= e.overSquares; }
    }
  }
  return groups;
}

/**
 * Cumulative aggregates by day (users first exposed on or before the day), one row per day
 * and variant with exposures, ordered by day then variant.
 * @example await storeDailyAggregates(client, 7, metrics, caps, await exposureGroups(client, 7))
 */
export async function storeDailyAggregates(
  client: pg.ClientBase, experimentId: number, metrics: StoreMetric[], caps: Array<number | null>, groups: ExposureGroup[]
): Promise<GroupAggregate[]> {
  const conflictedRows = await query<{ variant: string; day: number; n: number }>(client,
    `SELECT variant_key AS variant, (first_exposed_at_ms / ${DAY_MS})::int AS day, count(*)::int AS n
     FROM exposures WHERE experiment_id = :experimentId::int AND conflict_count > 0 GROUP BY 1, 2`, { experimentId });
  const conflicted = new Map(conflictedRows.map((r) => [groupKey(r.variant, r.day), r.n]));
  const perMetric: Array<Map<string, MetricSums>> = [];
  for (const [i, m] of metrics.entries()) perMetric.push(await metricGroups(client, experimentId, m, caps[i] ?? null));
  const running = new Map<string, GroupAggregate>();
  const out: GroupAggregate[] = [];
  const ordered = [...groups].sort((a, b) => a.day - b.day || (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0));
  for (const g of ordered) {
    const key = groupKey(g.variant, g.day);
    const before = running.get(g.variant) ?? { variant: g.variant, day: null, segment: null, users: 0, conflicted: 0, metrics: metrics.map(zeroSums) };
    const next: GroupAggregate = {
      variant: g.variant, day: g.day, segment: null,
      users: before.users + g.users, conflicted: before.conflicted + (conflicted.get(key) ?? 0),
      metrics: before.metrics.map((s, i) => {
        const add = perMetric[i]!.get(key) ?? zeroSums();
        return {
          sum: s.sum + add.sum, sumSquares: s.sumSquares + add.sumSquares, sumDenominator: s.sumDenominator + add.sumDenominator,
          sumDenominatorSquares: s.sumDenominatorSquares + add.sumDenominatorSquares, sumCrossProducts: s.sumCrossProducts + add.sumCrossProducts
        };
      })
    };
    running.set(g.variant, next);
    out.push(next);
  }
  return out;
}
