/**
 * Sufficient statistics from the report store (see `metric-store.ts`) instead of the raw
 * events: exposed users and per metric Σy, Σy², Σd, Σd², Σyd per (variant, day) from the
 * running sums in `report_group_sums`, a winsorized metric's excess over its cap subtracted
 * from the top of its value index. The result has the same shape as `aggregateMetrics` on
 * the temp table, so `stats/` and the report builder do not care which path produced it.
 */
import type Database from 'better-sqlite3';
import type { GroupAggregate, MetricSums } from './metric-aggregates.ts';
import type { MetricQuerySpec } from './metric-users.ts';
import { isWinsorized, USERS_METRIC_ID, type ExposureGroup } from './metric-store.ts';

type SpecWithId = MetricQuerySpec & { metricId: number };
const DAY_MS = 86_400_000;

/**
 * Exposed users per (variant, day of first exposure) from the running sums, ordered by day
 * then variant. Call after `refreshMetricStore` in the same transaction.
 * @example exposureGroups(client, 7) // [{ variant: 'control', day: 20422, users: 1204 }, …]
 */
export function exposureGroups(client: Database.Database, experimentId: number): ExposureGroup[] {
  return client.prepare(
    `SELECT variant_key AS variant, day, rows AS users FROM report_group_sums
     WHERE experiment_id = ? AND metric_id = ${USERS_METRIC_ID} AND rows <> 0 ORDER BY day, variant_key`
  ).all(experimentId) as ExposureGroup[];
}

/**
 * First and last first-exposure time over the experiment, two index seeks per variant.
 * @example exposureSpan(client, 7, ['control', 'b']) // { firstMs: 1764460800000, lastMs: … }
 */
export function storeExposureSpan(client: Database.Database, experimentId: number, variantKeys: string[]): { firstMs: number | null; lastMs: number | null } {
  const seek = client.prepare(
    `SELECT (SELECT MIN(first_exposed_at_ms) FROM exposures WHERE experiment_id = :e AND variant_key = :v) AS firstMs,
       (SELECT MAX(first_exposed_at_ms) FROM exposures WHERE experiment_id = :e AND variant_key = :v) AS lastMs`
  );
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  for (const v of variantKeys) {
    const row = seek.get({ e: experimentId, v }) as { firstMs: number | null; lastMs: number | null };
    if (row.firstMs !== null && (firstMs === null || row.firstMs < firstMs)) firstMs = row.firstMs;
    if (row.lastMs !== null && (lastMs === null || row.lastMs > lastMs)) lastMs = row.lastMs;
  }
  return { firstMs, lastMs };
}

/** Users also exposed to another variant, per (variant, day), from the partial index. */
function conflictedGroups(client: Database.Database, experimentId: number): Map<string, number> {
  const rows = client.prepare(
    `SELECT variant_key AS variant, first_exposed_at_ms / ${DAY_MS} AS day, COUNT(*) AS n
     FROM exposures INDEXED BY exposures_conflicted WHERE experiment_id = ? AND conflict_count > 0 GROUP BY variant, day`
  ).all(experimentId) as Array<{ variant: string; day: number; n: number }>;
  return new Map(rows.map((r) => [`${r.variant}\u0000${r.day}`, r.n]));
}

/**
 * The winsorization cap of each metric that asks for one: nearest rank among users with a
 * non-zero value (every stored row of a sum or count metric), as `winsorizationCaps`; the
 * count comes from the running sums, the value from the top of the metric's value index.
 */
export function storeCaps(client: Database.Database, experimentId: number, metrics: SpecWithId[]): Array<number | null> {
  return metrics.map((metric) => {
    if (!isWinsorized(metric)) return null;
    const p = metric.winsorizePercentile!;
    const { n } = client.prepare('SELECT COALESCE(SUM(rows), 0) AS n FROM report_group_sums WHERE experiment_id = ? AND metric_id = ?')
      .get(experimentId, metric.metricId) as { n: number };
    if (n === 0) return null;
    const rank = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
    const row = client.prepare(
      `SELECT value AS cap FROM report_user_values INDEXED BY report_user_values_capped
       WHERE experiment_id = ? AND metric_id = ? AND winsorized = 1 ORDER BY value DESC LIMIT 1 OFFSET ?`
    ).get(experimentId, metric.metricId, n - 1 - rank) as { cap: number };
    return row.cap;
  });
}

const zeroSums = (): MetricSums => ({ sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 });

/**
 * Σ per (variant, day) of one metric from the running sums; with a cap, minus Σ(y - cap) and
 * Σ(y² - cap²) over the users above it (a sum or count metric has no denominator).
 */
function metricGroups(client: Database.Database, experimentId: number, metric: SpecWithId, cap: number | null): Map<string, MetricSums> {
  const rows = client.prepare(
    `SELECT variant_key AS variant, day, sum, sum_squares AS sumSquares, sum_denominator AS sumDenominator,
       sum_denominator_squares AS sumDenominatorSquares, sum_cross_products AS sumCrossProducts
     FROM report_group_sums WHERE experiment_id = ? AND metric_id = ?`
  ).all(experimentId, metric.metricId) as Array<MetricSums & { variant: string; day: number }>;
  // Time to event keeps d (users with the event) as a ratio keeps its denominator.
  const ratio = metric.kind === 'ratio' || metric.kind === 'time_to_event';
  const groups = new Map(rows.map(({ variant, day, ...s }) => [`${variant}\u0000${day}`,
    ratio ? s : { ...s, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }]));
  if (cap !== null) {
    const excess = client.prepare(
      `SELECT variant_key AS variant, day, TOTAL(value - :cap) AS over, TOTAL(value * value - :cap * :cap) AS overSquares
       FROM report_user_values INDEXED BY report_user_values_capped
       WHERE experiment_id = :experimentId AND metric_id = :metricId AND winsorized = 1 AND value > :cap GROUP BY variant_key, day`
    ).all({ experimentId, metricId: metric.metricId, cap }) as Array<{ variant: string; day: number; over: number; overSquares: number }>;
    for (const e of excess) {
      const s = groups.get(`${e.variant}\u0000${e.day}`);
      if (s) { s.sum -= e.over; s.sumSquares -= e.overSquares; }
    }
  }
  return groups;
}

/**
 * Cumulative aggregates by day (users first exposed on or before the day), one row per day
 * and variant with exposures, ordered by day then variant: the same rows as
 * `aggregateMetrics(client, metrics, caps, 'day')` over the temp table.
 * @example storeDailyAggregates(client, 7, metrics, caps, exposureGroups(client, 7))
 */
export function storeDailyAggregates(
  client: Database.Database, experimentId: number, metrics: SpecWithId[], caps: Array<number | null>, groups: ExposureGroup[]
): GroupAggregate[] {
  const conflicted = conflictedGroups(client, experimentId);
  const perMetric = metrics.map((m, i) => metricGroups(client, experimentId, m, caps[i] ?? null));
  const running = new Map<string, GroupAggregate>();
  const out: GroupAggregate[] = [];
  const ordered = [...groups].sort((a, b) => a.day - b.day || (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0));
  for (const g of ordered) {
    const key = `${g.variant}\u0000${g.day}`;
    const before = running.get(g.variant) ?? { variant: g.variant, day: null, segment: null, users: 0, conflicted: 0, metrics: metrics.map(zeroSums) };
    const next: GroupAggregate = {
      variant: g.variant, day: g.day, segment: null,
      users: before.users + g.users, conflicted: before.conflicted + (conflicted.get(key) ?? 0),
      metrics: before.metrics.map((s, i) => {
        const add = perMetric[i].get(key) ?? zeroSums();
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
