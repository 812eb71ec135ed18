/**
 * Sufficient statistics per group (variant; variant and day; variant and segment) over the
 * per-user temp table built by `withMetricUsers`: n, Σy, Σy² for every metric, plus Σd, Σd²
 * and Σyd for ratio denominators. These are exactly the inputs `stats/` takes.
 */
import type Database from 'better-sqlite3';
import { METRIC_USERS_TABLE, type MetricQuerySpec } from './metric-users.ts';

import type { GroupAggregate, MetricSums } from '../../store/reports.ts';

// The engine-neutral shapes of the data seam (db/store/reports.ts); the SQL below fills them.
export type { GroupAggregate, MetricSums };
export { totalsFromCumulative } from '../../../calendar/reports/totals.ts';

export type GroupBy = 'variant' | 'day' | 'segment';

function valueExpression(index: number, cap: number | null): string {
  return cap === null ? `m${index}` : `MIN(m${index}, ${Number(cap)})`;
}

function sumColumns(metrics: MetricQuerySpec[], caps: Array<number | null>): string[] {
  return metrics.flatMap((metric, i) => {
    const y = valueExpression(i, caps[i] ?? null);
    const cols = [`SUM(${y}) AS s${i}`, `SUM((${y}) * (${y})) AS q${i}`];
    if (metric.kind === 'ratio') cols.push(`SUM(d${i}) AS ds${i}`, `SUM(d${i} * d${i}) AS dq${i}`, `SUM((${y}) * d${i}) AS x${i}`);
    return cols;
  });
}

function toAggregate(row: Record<string, number | string | null>, metrics: MetricQuerySpec[]): GroupAggregate {
  const num = (k: string) => Number(row[k] ?? 0);
  return {
    variant: String(row.variant),
    day: row.day === undefined || row.day === null ? null : Number(row.day),
    segment: row.segment === undefined ? null : row.segment === null ? '(none)' : String(row.segment),
    users: num('n'),
    conflicted: num('conflicted'),
    metrics: metrics.map((metric, i) => ({
      sum: num(`s${i}`), sumSquares: num(`q${i}`),
      sumDenominator: metric.kind === 'ratio' ? num(`ds${i}`) : 0,
      sumDenominatorSquares: metric.kind === 'ratio' ? num(`dq${i}`) : 0,
      sumCrossProducts: metric.kind === 'ratio' ? num(`x${i}`) : 0
    }))
  };
}

/**
 * Per-group sums with one GROUP BY. `by = 'day'` returns cumulative sums (users first
 * exposed on or before that day), computed with a window function. Must run inside
 * `withMetricUsers`. Rows are ordered by group then variant.
 * @example aggregateMetrics(client, metrics, caps, 'variant') // [{ variant: 'control', users: 5012, ... }]
 */
export function aggregateMetrics(
  client: Database.Database, metrics: MetricQuerySpec[], caps: Array<number | null>, by: GroupBy
): GroupAggregate[] {
  const sums = sumColumns(metrics, caps);
  const base = ['COUNT(*) AS n', 'SUM(conflicted) AS conflicted', ...sums].join(', ');
  let sql: string;
  if (by === 'variant') {
    sql = `SELECT variant, ${base} FROM ${METRIC_USERS_TABLE} GROUP BY variant ORDER BY variant`;
  } else if (by === 'segment') {
    sql = `SELECT segment, variant, ${base} FROM ${METRIC_USERS_TABLE} GROUP BY segment, variant ORDER BY segment, variant`;
  } else {
    const aliases = ['n', 'conflicted', ...sums.map((s) => s.slice(s.lastIndexOf(' AS ') + 4))];
    const running = aliases.map((a) => `SUM(${a}) OVER (PARTITION BY variant ORDER BY day) AS ${a}`).join(', ');
    sql = `SELECT day, variant, ${running} FROM (SELECT day, variant, ${base} FROM ${METRIC_USERS_TABLE} ` +
      'GROUP BY day, variant) ORDER BY day, variant';
  }
  const rows = client.prepare(sql).all() as Array<Record<string, number | string | null>>;
  return rows.map((row) => toAggregate(row, metrics));
}

/** New exposures per variant per UTC day (not cumulative), straight from `exposures`. */
export function exposuresByDay(
  client: Database.Database, experimentId: number
): Array<{ day: number; variant: string; users: number }> {
  return client.prepare(
    `SELECT first_exposed_at_ms / 86400000 AS day, variant_key AS variant, COUNT(*) AS users
     FROM exposures WHERE experiment_id = ? GROUP BY day, variant ORDER BY day, variant`
  ).all(experimentId) as Array<{ day: number; variant: string; users: number }>;
}

/** First and last exposure times of an experiment (null when nobody was exposed). */
export function exposureSpan(
  client: Database.Database, experimentId: number
): { firstMs: number | null; lastMs: number | null } {
  return client.prepare(
    'SELECT MIN(first_exposed_at_ms) AS firstMs, MAX(first_exposed_at_ms) AS lastMs FROM exposures WHERE experiment_id = ?'
  ).get(experimentId) as { firstMs: number | null; lastMs: number | null };
}

/**
 * Attribute names seen on exposures of an experiment (from the first `sample` exposures,
 * so the segment tabs stay cheap on large experiments).
 */
export function segmentAttributes(client: Database.Database, experimentId: number, sample = 2000): string[] {
  const rows = client.prepare(
    `SELECT DISTINCT j.key AS name FROM (SELECT attributes FROM exposures WHERE experiment_id = ? LIMIT ?) x,
       json_each(x.attributes) j WHERE json_valid(x.attributes) AND json_type(x.attributes) = 'object' ORDER BY name LIMIT 20`
  ).all(experimentId, sample) as Array<{ name: string }>;
  return rows.map((r) => r.name).filter((name) => /^[A-Za-z0-9_.-]{1,64}$/.test(name));
}

/**
 * Whether any exposure of the experiment carries `attribute` (a split by an attribute nobody
 * sent is empty: answered without building it). Stops at the first match.
 * @example segmentAttributeSeen(client, 7, 'country') // true
 */
export function segmentAttributeSeen(client: Database.Database, experimentId: number, attribute: string): boolean {
  return client.prepare(
    'SELECT 1 FROM exposures WHERE experiment_id = ? AND json_extract(attributes, ?) IS NOT NULL LIMIT 1'
  ).get(experimentId, `$."${attribute.replaceAll('"', '')}"`) !== undefined;
}
