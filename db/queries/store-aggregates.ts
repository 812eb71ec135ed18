/**
 * Sufficient statistics from the report store (`report_metric_users`, see `metric-store.ts`)
 * instead of the raw events: exposed users per (variant, day) from the exposures index, and
 * per metric Σy, Σy², Σd, Σd², Σyd per (variant, day) from the store's covering index. The
 * result has the same shape as `aggregateMetrics` on the temp table, so `stats/` and the
 * report builder do not care which path produced it.
 */
import type Database from 'better-sqlite3';
import type { GroupAggregate, MetricSums } from './metric-aggregates.ts';
import type { MetricQuerySpec } from './metric-users.ts';

const DAY_MS = 86_400_000;

/** Exposed users of one (variant, UTC day of first exposure), with the checksum parts. */
export type ExposureGroup = {
  variant: string;
  day: number;
  users: number;
  firstMs: number;
  lastMs: number;
  /** Users with exposure id <= the watermark given, and Σ(first_exposed_at_ms - base) of them. */
  oldUsers: number;
  oldFirstMsSum: bigint;
  /** Σ(first_exposed_at_ms - base) of all the group's users. */
  firstMsSum: bigint;
};

/**
 * One pass over the covering index (experiment_id, variant_key, first_exposed_at_ms): users,
 * first and last exposure, and the checksum of the exposures up to `lastExposureId`.
 */
export function exposureGroups(
  client: Database.Database, experimentId: number, watermark: { lastExposureId: number; baseMs: number }
): ExposureGroup[] {
  const rows = client.prepare(
    `SELECT variant_key AS variant, first_exposed_at_ms / ${DAY_MS} AS day, COUNT(*) AS users,
       MIN(first_exposed_at_ms) AS firstMs, MAX(first_exposed_at_ms) AS lastMs,
       SUM(id <= :lastExposureId) AS oldUsers,
       COALESCE(SUM(CASE WHEN id <= :lastExposureId THEN first_exposed_at_ms - :baseMs END), 0) AS oldFirstMsSum,
       SUM(first_exposed_at_ms - :baseMs) AS firstMsSum
     FROM exposures INDEXED BY exposures_experiment_variant WHERE experiment_id = :experimentId
     GROUP BY variant_key, day ORDER BY variant_key, day`
  ).safeIntegers().all({ experimentId, ...watermark }) as Array<Record<string, bigint | number | string>>;
  return rows.map((r) => ({
    variant: String(r.variant), day: Number(r.day), users: Number(r.users), firstMs: Number(r.firstMs), lastMs: Number(r.lastMs),
    oldUsers: Number(r.oldUsers), oldFirstMsSum: BigInt(r.oldFirstMsSum), firstMsSum: BigInt(r.firstMsSum)
  }));
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
 * non-zero value, as `winsorizationCaps`, counted from the top of the value index.
 */
export function storeCaps(client: Database.Database, experimentId: number, metrics: Array<MetricQuerySpec & { metricId: number }>): Array<number | null> {
  return metrics.map((metric) => {
    const p = metric.winsorizePercentile;
    if (p === null || p === undefined || !(metric.kind === 'sum' || metric.kind === 'count')) return null;
    const where = 'experiment_id = ? AND metric_id = ? AND value <> 0';
    const { n } = client.prepare(`SELECT COUNT(*) AS n FROM report_metric_users INDEXED BY report_metric_users_value WHERE ${where}`)
      .get(experimentId, metric.metricId) as { n: number };
    if (n === 0) return null;
    const rank = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
    const row = client.prepare(
      `SELECT value AS cap FROM report_metric_users INDEXED BY report_metric_users_value WHERE ${where} ORDER BY value DESC LIMIT 1 OFFSET ?`
    ).get(experimentId, metric.metricId, n - 1 - rank) as { cap: number };
    return row.cap;
  });
}

const zeroSums = (): MetricSums => ({ sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 });

/** Σ per (variant, day) of one metric, in the covering index's order (deterministic for equal contents). */
function metricGroups(client: Database.Database, experimentId: number, metric: MetricQuerySpec & { metricId: number }, cap: number | null): Map<string, MetricSums> {
  const y = cap === null ? 'value' : `MIN(value, ${Number(cap)})`;
  const rows = client.prepare(
    `SELECT variant_key AS variant, day, TOTAL(${y}) AS sum, TOTAL((${y}) * (${y})) AS sumSquares,
       TOTAL(denominator) AS sumDenominator, TOTAL(denominator * denominator) AS sumDenominatorSquares,
       TOTAL((${y}) * denominator) AS sumCrossProducts
     FROM report_metric_users INDEXED BY report_metric_users_group WHERE experiment_id = ? AND metric_id = ?
     GROUP BY variant_key, day`
  ).all(experimentId, metric.metricId) as Array<MetricSums & { variant: string; day: number }>;
  const ratio = metric.kind === 'ratio';
  return new Map(rows.map(({ variant, day, ...s }) => [`${variant}\u0000${day}`,
    ratio ? s : { ...s, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }]));
}

/**
 * Cumulative aggregates by day (users first exposed on or before the day), one row per day
 * and variant with exposures, ordered by day then variant: the same rows as
 * `aggregateMetrics(client, metrics, caps, 'day')` over the temp table.
 * @example storeDailyAggregates(client, 7, metrics, caps, refresh.groups)
 */
export function storeDailyAggregates(
  client: Database.Database, experimentId: number, metrics: Array<MetricQuerySpec & { metricId: number }>,
  caps: Array<number | null>, groups: ExposureGroup[]
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

/**
 * Per (segment, variant) aggregates, the segment being an exposure attribute read by join
 * (bound as a JSON path, never spliced into the SQL); missing values are '(none)'. Same rows
 * as `aggregateMetrics(client, metrics, caps, 'segment')` over the temp table.
 */
export function storeSegmentAggregates(
  client: Database.Database, experimentId: number, metrics: Array<MetricQuerySpec & { metricId: number }>,
  caps: Array<number | null>, attribute: string
): GroupAggregate[] {
  const path = `$."${attribute.replaceAll('"', '')}"`;
  const users = client.prepare(
    `SELECT CAST(json_extract(attributes, ?) AS TEXT) AS segment, variant_key AS variant, COUNT(*) AS users,
       SUM(conflict_count > 0) AS conflicted FROM exposures WHERE experiment_id = ? GROUP BY segment, variant ORDER BY segment, variant`
  ).all(path, experimentId) as Array<{ segment: string | null; variant: string; users: number; conflicted: number }>;
  const perMetric = metrics.map((metric, i) => {
    const cap = caps[i] ?? null;
    const y = cap === null ? 'r.value' : `MIN(r.value, ${Number(cap)})`;
    const rows = client.prepare(
      `SELECT CAST(json_extract(x.attributes, ?) AS TEXT) AS segment, r.variant_key AS variant, TOTAL(${y}) AS sum,
         TOTAL((${y}) * (${y})) AS sumSquares, TOTAL(r.denominator) AS sumDenominator,
         TOTAL(r.denominator * r.denominator) AS sumDenominatorSquares, TOTAL((${y}) * r.denominator) AS sumCrossProducts
       FROM report_metric_users r JOIN exposures x ON x.experiment_id = r.experiment_id AND x.user_id = r.user_id
       WHERE r.experiment_id = ? AND r.metric_id = ? GROUP BY segment, variant`
    ).all(path, experimentId, metric.metricId) as Array<MetricSums & { segment: string | null; variant: string }>;
    return new Map(rows.map(({ segment, variant, ...s }) => [`${segment}\u0000${variant}`,
      metric.kind === 'ratio' ? s : { ...s, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }]));
  });
  return users.map((u) => ({
    variant: u.variant, day: null, segment: u.segment ?? '(none)', users: u.users, conflicted: u.conflicted,
    metrics: perMetric.map((m) => m.get(`${u.segment}\u0000${u.variant}`) ?? zeroSums())
  }));
}
