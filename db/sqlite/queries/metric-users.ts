/**
 * Per-user metric values over each metric's window after the user's first exposure,
 * materialised in a TEMP table so the per-variant, per-day and per-segment aggregates
 * (and winsorization caps) all read one pass over the events. Everything stays in SQLite:
 * no event or user row is loaded into JavaScript.
 */
import type Database from 'better-sqlite3';
import type { StoreMetric } from '../../store/reports.ts';

const DAY_MS = 86_400_000;

/** What the SQL needs to know about one metric: the seam's StoreMetric without its id. */
export type MetricQuerySpec = Omit<StoreMetric, 'metricId'>;

/** The temp table's name; it lives only inside `withMetricUsers`. */
export const METRIC_USERS_TABLE = 'temp.report_metric_users';

type Bound = { sql: string; params: unknown[] };

/** One per-user expression over the user's events of `eventName` inside the window. */
function perUserExpression(aggregate: 'exists' | 'count' | 'sum' | 'sum-or-count', eventName: string, windowMs: number): Bound {
  // Never an event from before the experiment's start (see EXPERIMENT_START_MS in store-values.ts).
  const where = 'e.event_name = ? AND e.user_id = x.user_id AND e.timestamp_ms >= x.first_exposed_at_ms ' +
    'AND e.timestamp_ms < x.first_exposed_at_ms + ? ' +
    'AND e.timestamp_ms >= COALESCE((SELECT s.started_at_ms FROM main.experiments s WHERE s.id = x.experiment_id), 0)';
  const params = [eventName, windowMs];
  switch (aggregate) {
    case 'exists': return { sql: `EXISTS (SELECT 1 FROM events e WHERE ${where})`, params };
    case 'count': return { sql: `(SELECT COUNT(*) FROM events e WHERE ${where})`, params };
    // A sum metric counts events without a value as 0; a ratio side counts them as 1 (an occurrence).
    case 'sum': return { sql: `(SELECT COALESCE(SUM(e.value), 0) FROM events e WHERE ${where})`, params };
    case 'sum-or-count': return { sql: `(SELECT COALESCE(SUM(COALESCE(e.value, 1)), 0) FROM events e WHERE ${where})`, params };
  }
}

function metricColumns(metric: MetricQuerySpec, index: number): Bound[] {
  const windowMs = Math.round(metric.windowDays * DAY_MS);
  const column = (b: Bound, name: string): Bound => ({ sql: `${b.sql} AS ${name}`, params: b.params });
  switch (metric.kind) {
    case 'binomial': return [column(perUserExpression('exists', metric.eventName, windowMs), `m${index}`)];
    case 'count': return [column(perUserExpression('count', metric.eventName, windowMs), `m${index}`)];
    case 'sum': return [column(perUserExpression('sum', metric.eventName, windowMs), `m${index}`)];
    case 'ratio': {
      if (!metric.denominatorEventName) throw new Error(`ratio metric '${metric.key}' has no denominator event`);
      return [
        column(perUserExpression('sum-or-count', metric.eventName, windowMs), `m${index}`),
        column(perUserExpression('sum-or-count', metric.denominatorEventName, windowMs), `d${index}`)
      ];
    }
    // The full-scan path is kept for benchmarks and cross-checks of the first four kinds; the
    // later kinds (and their window rules) live in the report store only (store-values.ts).
    default: throw new Error(`metric '${metric.key}': the full-scan path does not compute ${metric.kind} metrics; the report store does`);
  }
}

/**
 * Builds the temp table of exposed users of one experiment: variant, UTC day of first
 * exposure (days since epoch), optional segment value, whether the user was also exposed to
 * another variant, and one column per metric (`m0`, `m1`, ... and `d<i>` for ratio
 * denominators), runs `use`, then drops the table. Synchronous, so nothing else can use the
 * connection in between.
 * @example
 * withMetricUsers(client, { experimentId: 1, metrics, segmentAttribute: 'channel' }, () =>
 *   aggregateByVariant(client, metrics, caps));
 */
export function withMetricUsers<T>(
  client: Database.Database,
  input: { experimentId: number; metrics: MetricQuerySpec[]; segmentAttribute?: string | null },
  use: () => T
): T {
  const columns = input.metrics.flatMap(metricColumns);
  const segment: Bound = input.segmentAttribute
    // The attribute name is bound as a JSON path, never spliced into the SQL text.
    ? { sql: 'CAST(json_extract(x.attributes, ?) AS TEXT) AS segment', params: [`$."${input.segmentAttribute.replaceAll('"', '')}"`] }
    : { sql: 'NULL AS segment', params: [] };
  const select = [
    { sql: 'x.variant_key AS variant', params: [] },
    { sql: `x.first_exposed_at_ms / ${DAY_MS} AS day`, params: [] },
    segment,
    { sql: '(x.conflict_count > 0) AS conflicted', params: [] },
    ...columns
  ];
  client.prepare(`DROP TABLE IF EXISTS ${METRIC_USERS_TABLE}`).run();
  client.prepare(
    `CREATE TEMP TABLE report_metric_users AS SELECT ${select.map((s) => s.sql).join(', ')} ` +
    'FROM exposures x WHERE x.experiment_id = ?'
  ).run(...select.flatMap((s) => s.params), input.experimentId);
  try {
    return use();
  } finally {
    client.prepare(`DROP TABLE IF EXISTS ${METRIC_USERS_TABLE}`).run();
  }
}

/**
 * The winsorization cap of each metric that asks for one: the per-user value at the
 * percentile among users with a non-zero value (capping over all users would cap revenue
 * at 0 whenever fewer than 1% of users buy). Nearest-rank on the sorted values, in SQL.
 * Must run inside `withMetricUsers`.
 */
export function winsorizationCaps(client: Database.Database, metrics: MetricQuerySpec[]): Array<number | null> {
  return metrics.map((metric, i) => {
    const p = metric.winsorizePercentile;
    if (p === null || p === undefined || !(metric.kind === 'sum' || metric.kind === 'count')) return null;
    const { n } = client.prepare(`SELECT COUNT(*) AS n FROM ${METRIC_USERS_TABLE} WHERE m${i} <> 0`).get() as { n: number };
    if (n === 0) return null;
    const offset = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
    const row = client.prepare(
      `SELECT m${i} AS cap FROM ${METRIC_USERS_TABLE} WHERE m${i} <> 0 ORDER BY m${i} LIMIT 1 OFFSET ?`
    ).get(offset) as { cap: number };
    return row.cap;
  });
}
