/**
 * The PostgreSQL report store's per-user values and their running sums: the SQL pieces that
 * the full rebuild and the incremental refresh (`report-refresh.ts`) share, so a user's value
 * comes from the same statement on both paths. The PostgreSQL form of SQLite's
 * `db/sqlite/queries/store-values.ts`: the same values, sums and keys, aggregated by the database.
 */
import type pg from 'pg';
import type { StoreMetric } from '../store/index.ts';
import { execute, query, STORE_SCHEMA } from './report-store-schema.ts';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** `metric_id` of the exposed-users rows in `group_sums`. */
export const USERS_METRIC_ID = 0;

/** What a refresh counts: events, exposures and moved first exposures up to these ids. */
export type Bounds = { lastEventId: number; lastExposureId: number; lastMovedSeq: number };

/**
 * The experiment's first start (epoch ms; 0 when it never started), bound by `:experimentId`: no
 * event before it is counted, as in SQLite's store (`EXPERIMENT_START_MS` in db/sqlite/queries/store-values.ts).
 */
const EXPERIMENT_START_MS = 'coalesce((SELECT s.started_at_ms FROM experiments s WHERE s.id = :experimentId::int), 0)';

export const SUM_COLUMNS = 'n, sum, sum_squares, sum_denominator, sum_denominator_squares, sum_cross_products';

/** `ON CONFLICT` that adds the new sums to a row already there (`g` is the target's alias). */
export const addOnConflict = (key: string) => `ON CONFLICT (${key}) DO UPDATE SET n = g.n + excluded.n, sum = g.sum + excluded.sum,
  sum_squares = g.sum_squares + excluded.sum_squares, sum_denominator = g.sum_denominator + excluded.sum_denominator,
  sum_denominator_squares = g.sum_denominator_squares + excluded.sum_denominator_squares,
  sum_cross_products = g.sum_cross_products + excluded.sum_cross_products`;
export const ADD_GROUP_SUMS = addOnConflict('experiment_id, metric_id, variant_key, day');

/** Σ over rows `r` of `report_store.user_values`, times `sign`, in `SUM_COLUMNS` order. */
export const signedSums = (sign: 1 | -1) => [
  `${sign} * count(*)`, `${sign} * coalesce(sum(r.value), 0)`, `${sign} * coalesce(sum(r.value * r.value), 0)`,
  `${sign} * coalesce(sum(r.denominator), 0)`, `${sign} * coalesce(sum(r.denominator * r.denominator), 0)`,
  `${sign} * coalesce(sum(r.value * r.denominator), 0)`
].join(', ');

/** Whether the store keeps a metric's rows in the value index (for its winsorization cap). */
export function isWinsorized(metric: StoreMetric): boolean {
  const p = metric.winsorizePercentile;
  return p !== null && p !== undefined && (metric.kind === 'sum' || metric.kind === 'count');
}

/**
 * What a metric's stored rows depend on; a change means that metric is rebuilt. The settings of
 * the later kinds are appended only when set, so the definitions stored before them still match.
 */
export function definitionOf(metric: StoreMetric): string {
  const base = [metric.kind, metric.eventName, metric.kind === 'ratio' ? metric.denominatorEventName : null,
    Math.round(metric.windowDays * DAY_MS), isWinsorized(metric)];
  const extra = metric.kind === 'retention' ? [metric.extraEventNames ?? [], windowStartMs(metric)]
    : metric.kind === 'threshold' ? [metric.minCount ?? 1]
    : metric.kind === 'ratio' && metric.denominatorAggregate === 'count' ? ['count'] : [];
  return JSON.stringify([...base, ...extra]);
}

/** Where a metric's window starts after the first exposure, in ms: retention's day a, else 0. */
function windowStartMs(metric: StoreMetric): number {
  return metric.kind === 'retention' ? Math.round((metric.windowStartDays ?? 0) * DAY_MS) : 0;
}

/**
 * A user's value and denominator over their events `e` in the window, and the event names read
 * (at least two: [numerator, denominator] for a ratio, the same name twice for one event), as
 * SQLite's store computes them (db/sqlite/queries/store-values.ts).
 */
export function valueColumns(metric: StoreMetric): { value: string; denominator: string; names: string[] } {
  const num = metric.eventName;
  switch (metric.kind) {
    case 'binomial': return { value: '1', denominator: '0', names: [num, num] };
    case 'count': return { value: 'count(*)', denominator: '0', names: [num, num] };
    case 'sum': return { value: 'coalesce(sum(e.value), 0)', denominator: '0', names: [num, num] };
    case 'retention': {
      const names = [...new Set([num, ...(metric.extraEventNames ?? [])])];
      return { value: '1', denominator: '0', names: names.length === 1 ? [num, num] : names };
    }
    case 'threshold': return { value: `(count(*) >= ${Math.max(1, Math.trunc(metric.minCount ?? 1))})::int`, denominator: '0', names: [num, num] };
    // Hours to the first event in double precision (as SQLite divides); d = 1 marks a user with the event.
    case 'time_to_event': return { value: `(min(e.timestamp_ms) - x.first_exposed_at_ms)::float8 / ${HOUR_MS}`, denominator: '1', names: [num, num] };
    case 'ratio': {
      const den = metric.denominatorEventName;
      if (!den) throw new Error(`ratio metric '${metric.key}' has no denominator event`);
      // A ratio side counts an event without a value as 1 (an occurrence), as SQLite's store does;
      // a 'count' denominator counts events whatever their value (a mean per event).
      const denominator = metric.denominatorAggregate === 'count'
        ? 'coalesce(sum(CASE WHEN e.event_name = :den THEN 1 END), 0)'
        : 'coalesce(sum(CASE WHEN e.event_name = :den THEN coalesce(e.value, 1) END), 0)';
      return { value: 'coalesce(sum(CASE WHEN e.event_name = :num THEN coalesce(e.value, 1) END), 0)', denominator, names: [num, den] };
    }
  }
}

/**
 * Inserts the non-zero values of `metric` for the exposed users of `source` (exposures
 * aliased `x`): one INSERT … SELECT with a join on the events index and a GROUP BY per user.
 */
export async function insertValues(client: pg.ClientBase, experimentId: number, metric: StoreMetric, source: string, bounds: Bounds): Promise<void> {
  const { value, denominator, names } = valueColumns(metric);
  await execute(client,
    `INSERT INTO ${STORE_SCHEMA}.user_values (experiment_id, metric_id, user_id, variant_key, day, value, denominator, winsorized)
     SELECT :experimentId::int, :metricId::int, user_id, variant_key, day, v, d, :winsorized::boolean FROM (
       SELECT x.user_id, x.variant_key, (x.first_exposed_at_ms / ${DAY_MS})::int AS day, (${value})::float8 AS v, (${denominator})::float8 AS d
       FROM ${source} JOIN events e ON e.user_id = x.user_id
         AND ${names.length === 2 ? 'e.event_name IN (:num, :den)' : 'e.event_name = ANY(:names::text[])'}
         AND e.timestamp_ms >= x.first_exposed_at_ms AND e.timestamp_ms < x.first_exposed_at_ms + :windowMs::bigint
         ${windowStartMs(metric) > 0 ? `AND e.timestamp_ms >= x.first_exposed_at_ms + ${windowStartMs(metric)}` : ''}
         AND e.timestamp_ms >= ${EXPERIMENT_START_MS} AND e.id <= :lastEventId::bigint
       WHERE x.experiment_id = :experimentId::int AND x.id <= :lastExposureId::bigint
       GROUP BY x.user_id, x.variant_key, x.first_exposed_at_ms
     ) t WHERE v <> 0 OR d <> 0`,
    {
      experimentId, metricId: metric.metricId, num: names[0], den: names[1], ...(names.length === 2 ? {} : { names }), winsorized: isWinsorized(metric),
      windowMs: Math.round(metric.windowDays * DAY_MS), lastEventId: bounds.lastEventId, lastExposureId: bounds.lastExposureId
    });
}

/** Adds (1) or subtracts (-1) the per-(variant, day) sums of the rows of the users in `pg_temp.report_changed_metric`. */
export async function addSums(client: pg.ClientBase, experimentId: number, metricId: number, sign: 1 | -1): Promise<void> {
  await execute(client,
    `INSERT INTO ${STORE_SCHEMA}.group_sums AS g (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
     SELECT :experimentId::int, :metricId::int, r.variant_key, r.day, ${signedSums(sign)}
     FROM pg_temp.report_changed_metric c
       JOIN ${STORE_SCHEMA}.user_values r ON r.experiment_id = :experimentId::int AND r.metric_id = :metricId::int AND r.user_id = c.user_id
     GROUP BY r.variant_key, r.day ${ADD_GROUP_SUMS}`,
    { experimentId, metricId });
}

/** Forgets every stored row of one metric. */
export async function deleteMetric(client: pg.ClientBase, experimentId: number, metricId: number): Promise<void> {
  for (const table of ['user_values', 'group_sums', 'segment_sums']) {
    await query(client, `DELETE FROM ${STORE_SCHEMA}.${table} WHERE experiment_id = :experimentId::int AND metric_id = :metricId::int`, { experimentId, metricId });
  }
}

/** Metrics from scratch: every exposed user's value in one statement, then the sums per (variant, day) in one more. */
export async function rebuildMetrics(client: pg.ClientBase, experimentId: number, metrics: StoreMetric[], bounds: Bounds): Promise<void> {
  for (const metric of metrics) {
    await deleteMetric(client, experimentId, metric.metricId);
    await insertValues(client, experimentId, metric, 'exposures x', bounds);
    await execute(client,
      `INSERT INTO ${STORE_SCHEMA}.group_sums (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
       SELECT :experimentId::int, :metricId::int, r.variant_key, r.day, ${signedSums(1)}
       FROM ${STORE_SCHEMA}.user_values r WHERE r.experiment_id = :experimentId::int AND r.metric_id = :metricId::int
       GROUP BY r.variant_key, r.day`,
      { experimentId, metricId: metric.metricId });
  }
}

/** Exposed users per (variant, day) from scratch, one GROUP BY over the experiment's exposures. */
export async function rebuildUsers(client: pg.ClientBase, experimentId: number, bounds: Bounds): Promise<void> {
  await query(client, `DELETE FROM ${STORE_SCHEMA}.group_sums WHERE experiment_id = :experimentId::int AND metric_id = ${USERS_METRIC_ID}`, { experimentId });
  await execute(client,
    `INSERT INTO ${STORE_SCHEMA}.group_sums (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
     SELECT :experimentId::int, ${USERS_METRIC_ID}, variant_key, (first_exposed_at_ms / ${DAY_MS})::int, count(*), 0, 0, 0, 0, 0
     FROM exposures WHERE experiment_id = :experimentId::int AND id <= :lastExposureId::bigint GROUP BY 3, 4`,
    { experimentId, lastExposureId: bounds.lastExposureId });
}
