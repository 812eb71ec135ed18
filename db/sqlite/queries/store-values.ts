/**
 * The SQL pieces of the report store's per-user values and sums that the incremental refresh
 * and the rebuild from scratch (`store-rebuild.ts`) share. A user's value is computed the same
 * way on both paths (events in index order, one range per event name), so a rebuilt and an
 * incrementally advanced store hold bit-identical values.
 */
import type Database from 'better-sqlite3';
import type { MetricQuerySpec } from './metric-users.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** `metric_id` of the exposed-users rows in `report_group_sums`. */
export const USERS_METRIC_ID = 0;

/**
 * The experiment's first start (epoch ms; 0 when it never started), bound by `:experimentId`.
 * No event before it is counted, whatever the exposure says: ingestion rejects exposures dated
 * before the start (api/limits `exposureStartProblem`), and this guards rows written otherwise.
 * A constant subquery: one primary-key lookup per statement, not per row.
 */
export const EXPERIMENT_START_MS = 'COALESCE((SELECT started_at_ms FROM main.experiments WHERE id = :experimentId), 0)';

/** A metric as the store keys it: the spec plus the metric's id. */
import type { StoreMetric } from '../../store/reports.ts';
export type { StoreMetric };

/** Exposed users of one (variant, UTC day of first exposure). */
export type ExposureGroup = { variant: string; day: number; users: number };

/** What a refresh counts: events, exposures and moved first exposures up to these ids of the main file. */
export type Bounds = { lastEventId: number; lastExposureId: number; lastMovedSeq: number };

/** Whether the store keeps a metric's rows in the value index (for its winsorization cap). */
export function isWinsorized(metric: MetricQuerySpec): boolean {
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
export function windowStartMs(metric: StoreMetric): number {
  return metric.kind === 'retention' ? Math.round((metric.windowStartDays ?? 0) * DAY_MS) : 0;
}

/** The window-start condition on events `e` (empty when the window starts at the exposure, as before retention existed). */
export function windowStartCondition(metric: StoreMetric, first: string): string {
  const start = windowStartMs(metric);
  return start > 0 ? `AND e.timestamp_ms >= ${first} + ${start}` : '';
}

/**
 * A user's value and denominator over their events `e` in the window (`first` is the column of
 * the user's first exposure), and the event names read: at least two, [numerator, denominator]
 * for a ratio, the same name twice for a single-event metric.
 */
export function valueColumns(metric: StoreMetric, first = 'x.first_exposed_at_ms'): { value: string; denominator: string; names: string[] } {
  const num = metric.eventName;
  switch (metric.kind) {
    case 'binomial': return { value: '1', denominator: '0', names: [num, num] };
    case 'count': return { value: 'COUNT(*)', denominator: '0', names: [num, num] };
    case 'sum': return { value: 'COALESCE(SUM(e.value), 0)', denominator: '0', names: [num, num] };
    case 'retention': {
      const names = [...new Set([num, ...(metric.extraEventNames ?? [])])];
      return { value: '1', denominator: '0', names: names.length === 1 ? [num, num] : names };
    }
    case 'threshold': return { value: `(COUNT(*) >= ${Math.max(1, Math.trunc(metric.minCount ?? 1))})`, denominator: '0', names: [num, num] };
    // Hours to the first event; d = 1 marks a user with the event (the others count the restriction).
    case 'time_to_event': return { value: `(MIN(e.timestamp_ms) - ${first}) / ${HOUR_MS}.0`, denominator: '1', names: [num, num] };
    case 'ratio': {
      const den = metric.denominatorEventName;
      if (!den) throw new Error(`ratio metric '${metric.key}' has no denominator event`);
      // A ratio side counts an event without a value as 1 (an occurrence), as the full path does;
      // a 'count' denominator counts events whatever their value (a mean per event).
      const denominator = metric.denominatorAggregate === 'count'
        ? 'COALESCE(SUM(CASE WHEN e.event_name = :den THEN 1 END), 0)'
        : 'COALESCE(SUM(CASE WHEN e.event_name = :den THEN COALESCE(e.value, 1) END), 0)';
      return { value: 'COALESCE(SUM(CASE WHEN e.event_name = :num THEN COALESCE(e.value, 1) END), 0)', denominator, names: [num, den] };
    }
  }
}

/** `e.event_name IN (...)` for a metric's names: the two bound names, or a JSON list for more. */
function namesCondition(names: string[]): string {
  return names.length === 2 ? 'e.event_name IN (:num, :den)' : 'e.event_name IN (SELECT value FROM json_each(:names))';
}

/**
 * Inserts the non-zero values of `metric` for the users of `source` (exposures aliased `x`,
 * scanned in user order). CROSS JOIN keeps exposures as the outer loop, so each user's
 * events are read in index order (event_name, user_id, timestamp_ms) whatever the source.
 */
export function insertValues(client: Database.Database, experimentId: number, metric: StoreMetric, source: string, bounds: Bounds): void {
  const { value, denominator, names } = valueColumns(metric);
  client.prepare(
    `INSERT INTO report_user_values (experiment_id, metric_id, user_id, variant_key, day, value, denominator, winsorized)
     SELECT :experimentId, :metricId, x.user_id, x.variant_key, x.first_exposed_at_ms / ${DAY_MS}, ${value} AS v, ${denominator} AS d, :winsorized
     FROM ${source} CROSS JOIN events e
     WHERE x.experiment_id = :experimentId AND x.id <= :lastExposureId
       AND ${namesCondition(names)} AND e.user_id = x.user_id
       AND e.timestamp_ms >= x.first_exposed_at_ms AND e.timestamp_ms < x.first_exposed_at_ms + :windowMs ${windowStartCondition(metric, 'x.first_exposed_at_ms')}
       AND e.timestamp_ms >= ${EXPERIMENT_START_MS} AND e.id <= :lastEventId
     GROUP BY x.user_id HAVING v <> 0 OR d <> 0`
  ).run({
    experimentId, metricId: metric.metricId, num: names[0], den: names[1], names: JSON.stringify(names), winsorized: isWinsorized(metric) ? 1 : 0,
    windowMs: Math.round(metric.windowDays * DAY_MS), lastEventId: bounds.lastEventId, lastExposureId: bounds.lastExposureId
  });
}

export const SUM_COLUMNS = 'rows, sum, sum_squares, sum_denominator, sum_denominator_squares, sum_cross_products';
export const ADD_SUMS = `ON CONFLICT (experiment_id, metric_id, variant_key, day) DO UPDATE SET rows = rows + excluded.rows,
  sum = sum + excluded.sum, sum_squares = sum_squares + excluded.sum_squares, sum_denominator = sum_denominator + excluded.sum_denominator,
  sum_denominator_squares = sum_denominator_squares + excluded.sum_denominator_squares, sum_cross_products = sum_cross_products + excluded.sum_cross_products`;

export const ADD_SUMS_SEGMENT = ADD_SUMS.replace('(experiment_id, metric_id, variant_key, day)', '(experiment_id, attribute, metric_id, segment, variant_key)');

/**
 * Adds (sign 1) or subtracts (sign -1) the per-(variant, day) sums of the rows of the users
 * in `temp.report_changed_metric`.
 */
export function addSums(client: Database.Database, experimentId: number, metricId: number, sign: 1 | -1): void {
  client.prepare(
    `INSERT INTO report_group_sums (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
     SELECT :experimentId, :metricId, r.variant_key, r.day, ${sign} * COUNT(*), ${sign} * TOTAL(r.value), ${sign} * TOTAL(r.value * r.value),
       ${sign} * TOTAL(r.denominator), ${sign} * TOTAL(r.denominator * r.denominator), ${sign} * TOTAL(r.value * r.denominator)
     FROM temp.report_changed_metric c
       CROSS JOIN report_user_values r ON r.experiment_id = :experimentId AND r.metric_id = :metricId AND r.user_id = c.user_id
     WHERE true GROUP BY r.variant_key, r.day ${ADD_SUMS}`
  ).run({ experimentId, metricId });
}

/**
 * The per-(variant, day) sums of all of a metric's rows, from scratch: one pass in the store's
 * order adding each row into a small in-memory table (no sort of the rows), then copied.
 */
export function sumsFromScratch(client: Database.Database, experimentId: number, metricId: number): void {
  client.exec(`DROP TABLE IF EXISTS temp.report_sums;
    CREATE TEMP TABLE report_sums (variant_key TEXT NOT NULL, day INTEGER NOT NULL, ${SUM_COLUMNS}, PRIMARY KEY (variant_key, day)) WITHOUT ROWID`);
  try {
    client.prepare(
      `INSERT INTO temp.report_sums (variant_key, day, ${SUM_COLUMNS})
       SELECT variant_key, day, 1, value, value * value, denominator, denominator * denominator, value * denominator
       FROM report_user_values WHERE experiment_id = ? AND metric_id = ?
       ON CONFLICT (variant_key, day) DO UPDATE SET rows = rows + 1, sum = sum + excluded.sum, sum_squares = sum_squares + excluded.sum_squares,
         sum_denominator = sum_denominator + excluded.sum_denominator, sum_denominator_squares = sum_denominator_squares + excluded.sum_denominator_squares,
         sum_cross_products = sum_cross_products + excluded.sum_cross_products`
    ).run(experimentId, metricId);
    client.prepare(
      `INSERT INTO report_group_sums (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
       SELECT ?, ?, variant_key, day, ${SUM_COLUMNS} FROM temp.report_sums WHERE true ${ADD_SUMS}`
    ).run(experimentId, metricId);
  } finally {
    client.exec('DROP TABLE IF EXISTS temp.report_sums');
  }
}

export function deleteMetric(client: Database.Database, experimentId: number, metricId: number): void {
  client.prepare('DELETE FROM report_user_values WHERE experiment_id = ? AND metric_id = ?').run(experimentId, metricId);
  client.prepare('DELETE FROM report_group_sums WHERE experiment_id = ? AND metric_id = ?').run(experimentId, metricId);
  client.prepare('DELETE FROM report_segment_sums WHERE experiment_id = ? AND metric_id = ?').run(experimentId, metricId);
}

/**
 * Copies the experiment's exposures up to the watermark into `temp.report_exposed`, keyed by
 * user, unless it exists (a chunked rebuild makes it once for all its chunks). Returns
 * whether it made it (the maker drops it with `dropExposedCopy`).
 */
export function createExposedCopy(client: Database.Database, experimentId: number, bounds: Bounds): boolean {
  const exists = client.prepare("SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = 'report_exposed'").get();
  if (exists) return false;
  client.exec(`CREATE TEMP TABLE report_exposed (user_id TEXT PRIMARY KEY, variant_key TEXT NOT NULL, first_ms INTEGER NOT NULL, day INTEGER NOT NULL) WITHOUT ROWID`);
  client.prepare(
    `INSERT INTO temp.report_exposed SELECT user_id, variant_key, first_exposed_at_ms, first_exposed_at_ms / ${DAY_MS}
     FROM exposures INDEXED BY exposures_experiment_user WHERE experiment_id = ? AND id <= ? ORDER BY user_id`
  ).run(experimentId, bounds.lastExposureId);
  return true;
}

export function dropExposedCopy(client: Database.Database): void {
  client.exec('DROP TABLE IF EXISTS temp.report_exposed');
}

/**
 * Exposed users per (variant, day) from scratch, by counting ranges of the (experiment,
 * variant, first exposure) index: no sort, no table row read. Counts every exposure: the
 * refresh runs in a write transaction whose exposure watermark is the current maximum id.
 * Returns the number of exposed users.
 */
export function rebuildUsers(client: Database.Database, experimentId: number): number {
  client.prepare('DELETE FROM report_group_sums WHERE experiment_id = ? AND metric_id = ?').run(experimentId, USERS_METRIC_ID);
  const firstVariant = client.prepare('SELECT MIN(variant_key) AS v FROM exposures INDEXED BY exposures_experiment_variant WHERE experiment_id = ?');
  const nextVariant = client.prepare(
    'SELECT MIN(variant_key) AS v FROM exposures INDEXED BY exposures_experiment_variant WHERE experiment_id = ? AND variant_key > ?'
  );
  const span = client.prepare(
    // Two subqueries: each is one index seek; MIN and MAX in one SELECT walk the variant's whole range.
    `SELECT (SELECT MIN(first_exposed_at_ms) FROM exposures INDEXED BY exposures_experiment_variant WHERE experiment_id = :e AND variant_key = :v) AS lo,
       (SELECT MAX(first_exposed_at_ms) FROM exposures INDEXED BY exposures_experiment_variant WHERE experiment_id = :e AND variant_key = :v) AS hi`
  );
  const count = client.prepare(
    `SELECT COUNT(*) AS n FROM exposures INDEXED BY exposures_experiment_variant WHERE experiment_id = :experimentId AND variant_key = :variant
     AND first_exposed_at_ms >= :from AND first_exposed_at_ms < :to`
  );
  const insert = client.prepare(
    `INSERT INTO report_group_sums (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS}) VALUES (?, ${USERS_METRIC_ID}, ?, ?, ?, 0, 0, 0, 0, 0)`
  );
  let total = 0;
  for (let variant = (firstVariant.get(experimentId) as { v: string | null }).v; variant !== null;
    variant = (nextVariant.get(experimentId, variant) as { v: string | null }).v) {
    const { lo, hi } = span.get({ e: experimentId, v: variant }) as { lo: number; hi: number };
    for (let day = Math.floor(lo / DAY_MS); day <= Math.floor(hi / DAY_MS); day++) {
      const { n } = count.get({ experimentId, variant, from: day * DAY_MS, to: (day + 1) * DAY_MS }) as { n: number };
      if (n > 0) insert.run(experimentId, variant, day, n);
      total += n;
    }
  }
  return total;
}
