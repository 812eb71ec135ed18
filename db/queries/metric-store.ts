/**
 * The report store: per (experiment, metric, user) values kept in `report_metric_users` and
 * advanced lazily at report time, so a report reads small per-(variant, day) sums instead of
 * recomputing every user's window from the raw events.
 *
 * Refresh, inside the caller's write transaction:
 * 1. Read the watermarks: the last event and exposure ids counted, and a checksum of the
 *    exposures counted (number, Σ first_exposed_at_ms) from `exposureGroups`.
 * 2. Rebuild everything when there is no state, the variants changed, or the checksum of the
 *    old exposures changed (a first exposure moved earlier: its window moved); rebuild one
 *    metric when its definition (kind, events, window) changed; drop metrics no longer used.
 * 3. Otherwise recompute, from all their events, the users exposed since the exposure
 *    watermark and the users with an event of a metric's event names since the event
 *    watermark (late events with old timestamps included). Everyone else is unchanged.
 * Each user's value comes from the same SQL in a full and an incremental refresh, reading the
 * user's events in index order, so both give bit-identical values.
 */
import type Database from 'better-sqlite3';
import type { MetricQuerySpec } from './metric-users.ts';
import { exposureGroups, type ExposureGroup } from './store-aggregates.ts';

const DAY_MS = 86_400_000;

/** A metric as the store keys it: the spec plus the metric's id. */
export type StoreMetric = MetricQuerySpec & { metricId: number };

export type RefreshResult = {
  mode: 'rebuild' | 'incremental' | 'unchanged';
  /** Metrics rebuilt from scratch (all of them on a full rebuild). */
  rebuiltMetrics: number;
  /** Users recomputed by the incremental step. */
  changedUsers: number;
  lastEventId: number;
  lastExposureId: number;
  /** Exposed users per (variant, first-exposure day), read in the same transaction. */
  groups: ExposureGroup[];
};

type State = {
  definitions: string; lastEventId: number; lastExposureId: number;
  exposureCount: number; exposureFirstMsSum: bigint; baseMs: number;
};

/** What a metric's per-user values depend on; a change means that metric is rebuilt. */
function definitionOf(metric: StoreMetric): string {
  return JSON.stringify([metric.kind, metric.eventName, metric.kind === 'ratio' ? metric.denominatorEventName : null,
    Math.round(metric.windowDays * DAY_MS)]);
}

function valueColumns(metric: StoreMetric): { value: string; denominator: string; names: [string, string] } {
  const num = metric.eventName;
  switch (metric.kind) {
    case 'binomial': return { value: '1', denominator: '0', names: [num, num] };
    case 'count': return { value: 'COUNT(*)', denominator: '0', names: [num, num] };
    case 'sum': return { value: 'COALESCE(SUM(e.value), 0)', denominator: '0', names: [num, num] };
    case 'ratio': {
      const den = metric.denominatorEventName;
      if (!den) throw new Error(`ratio metric '${metric.key}' has no denominator event`);
      // A ratio side counts an event without a value as 1 (an occurrence), as the full path does.
      return {
        value: 'COALESCE(SUM(CASE WHEN e.event_name = :num THEN COALESCE(e.value, 1) END), 0)',
        denominator: 'COALESCE(SUM(CASE WHEN e.event_name = :den THEN COALESCE(e.value, 1) END), 0)',
        names: [num, den]
      };
    }
  }
}

/**
 * Inserts the non-zero values of `metric` for the users of `source` (exposures aliased `x`,
 * scanned in user order). CROSS JOIN keeps exposures as the outer loop, so each user's
 * events are read in index order (event_name, user_id, timestamp_ms) whatever the source.
 */
function insertValues(client: Database.Database, experimentId: number, metric: StoreMetric, source: string, bounds: { lastEventId: number; lastExposureId: number }): void {
  const { value, denominator, names } = valueColumns(metric);
  client.prepare(
    `INSERT INTO report_metric_users (experiment_id, metric_id, user_id, variant_key, day, value, denominator)
     SELECT :experimentId, :metricId, x.user_id, x.variant_key, x.first_exposed_at_ms / ${DAY_MS}, ${value} AS v, ${denominator} AS d
     FROM ${source} CROSS JOIN events e
     WHERE x.experiment_id = :experimentId AND x.id <= :lastExposureId
       AND e.event_name IN (:num, :den) AND e.user_id = x.user_id
       AND e.timestamp_ms >= x.first_exposed_at_ms AND e.timestamp_ms < x.first_exposed_at_ms + :windowMs
       AND e.id <= :lastEventId
     GROUP BY x.user_id HAVING v <> 0 OR d <> 0`
  ).run({
    experimentId, metricId: metric.metricId, num: names[0], den: names[1],
    windowMs: Math.round(metric.windowDays * DAY_MS), ...bounds
  });
}

function rebuildMetric(client: Database.Database, experimentId: number, metric: StoreMetric, bounds: { lastEventId: number; lastExposureId: number }): void {
  client.prepare('DELETE FROM report_metric_users WHERE experiment_id = ? AND metric_id = ?').run(experimentId, metric.metricId);
  insertValues(client, experimentId, metric, 'exposures x INDEXED BY exposures_experiment_user', bounds);
}

/** Users to recompute: exposed since the watermark, or with a relevant event since it. */
function collectChangedUsers(client: Database.Database, experimentId: number, metrics: StoreMetric[], state: State, bounds: { lastEventId: number; lastExposureId: number }): number {
  client.exec('DROP TABLE IF EXISTS temp.report_changed_users; CREATE TEMP TABLE report_changed_users (user_id TEXT PRIMARY KEY) WITHOUT ROWID');
  client.prepare(
    `INSERT OR IGNORE INTO temp.report_changed_users SELECT user_id FROM exposures
     WHERE id > ? AND id <= ? AND experiment_id = ?`
  ).run(state.lastExposureId, bounds.lastExposureId, experimentId);
  const names = [...new Set(metrics.flatMap((m) => valueColumns(m).names))];
  client.prepare(
    `INSERT OR IGNORE INTO temp.report_changed_users
     SELECT e.user_id FROM events e JOIN exposures x ON x.experiment_id = ? AND x.user_id = e.user_id
     WHERE e.id > ? AND e.id <= ? AND e.event_name IN (SELECT value FROM json_each(?))`
  ).run(experimentId, state.lastEventId, bounds.lastEventId, JSON.stringify(names));
  return (client.prepare('SELECT COUNT(*) AS n FROM temp.report_changed_users').get() as { n: number }).n;
}

function recomputeUsers(client: Database.Database, experimentId: number, metric: StoreMetric, bounds: { lastEventId: number; lastExposureId: number }): void {
  client.prepare(
    `DELETE FROM report_metric_users WHERE experiment_id = ? AND metric_id = ?
     AND user_id IN (SELECT user_id FROM temp.report_changed_users)`
  ).run(experimentId, metric.metricId);
  insertValues(client, experimentId, metric,
    'temp.report_changed_users c CROSS JOIN exposures x INDEXED BY exposures_experiment_user ON x.user_id = c.user_id', bounds);
}

/** Current ids: everything up to them is what this refresh counts. */
function currentBounds(client: Database.Database): { lastEventId: number; lastExposureId: number } {
  const row = client.prepare(
    'SELECT (SELECT COALESCE(MAX(id), 0) FROM events) AS lastEventId, (SELECT COALESCE(MAX(id), 0) FROM exposures) AS lastExposureId'
  ).get() as { lastEventId: number; lastExposureId: number };
  return row;
}

/** The stored watermarks of an experiment, or null before its first refresh. */
export function refreshState(client: Database.Database, experimentId: number): State | null {
  const row = client.prepare(
    `SELECT definitions, last_event_id AS lastEventId, last_exposure_id AS lastExposureId, exposure_count AS exposureCount,
       exposure_first_ms_sum AS exposureFirstMsSum, base_ms AS baseMs FROM report_refresh_state WHERE experiment_id = ?`
  ).safeIntegers().get(experimentId) as Record<keyof State, bigint | string> | undefined;
  if (!row) return null;
  return {
    definitions: String(row.definitions), lastEventId: Number(row.lastEventId), lastExposureId: Number(row.lastExposureId),
    exposureCount: Number(row.exposureCount), exposureFirstMsSum: BigInt(row.exposureFirstMsSum), baseMs: Number(row.baseMs)
  };
}

/**
 * Brings `report_metric_users` of an experiment up to date (see the file comment). Must run
 * inside a write transaction. Pass `forceRebuild` to recompute everything.
 * @example
 * client.transaction(() => refreshMetricStore(client, { experimentId, metrics, variantKeys, nowMs })).immediate();
 */
export function refreshMetricStore(client: Database.Database, input: {
  experimentId: number; metrics: StoreMetric[]; variantKeys: string[]; nowMs: number; forceRebuild?: boolean;
}): RefreshResult {
  const { experimentId, metrics } = input;
  const state = refreshState(client, experimentId);
  const bounds = currentBounds(client);
  const baseMs = state?.baseMs ?? baseFor(client, experimentId);
  const groups = exposureGroups(client, experimentId, { lastExposureId: state?.lastExposureId ?? 0, baseMs });
  const definitions = { variants: input.variantKeys, metrics: Object.fromEntries(metrics.map((m) => [String(m.metricId), definitionOf(m)])) };
  const old = groups.reduce((a, g) => ({ n: a.n + g.oldUsers, s: a.s + g.oldFirstMsSum }), { n: 0, s: 0n });
  const stored = state ? JSON.parse(state.definitions) as typeof definitions : null;
  const fullRebuild = input.forceRebuild || !state || !stored ||
    JSON.stringify(stored.variants) !== JSON.stringify(definitions.variants) ||
    old.n !== state.exposureCount || old.s !== state.exposureFirstMsSum;

  let rebuiltMetrics = 0;
  let changedUsers = 0;
  if (fullRebuild) {
    client.prepare('DELETE FROM report_metric_users WHERE experiment_id = ?').run(experimentId);
    for (const metric of metrics) rebuildMetric(client, experimentId, metric, bounds);
    rebuiltMetrics = metrics.length;
  } else {
    const kept = metrics.filter((m) => stored!.metrics[String(m.metricId)] === definitions.metrics[String(m.metricId)]);
    const ids = new Set(metrics.map((m) => m.metricId));
    for (const id of Object.keys(stored!.metrics).map(Number).filter((id) => !ids.has(id))) {
      client.prepare('DELETE FROM report_metric_users WHERE experiment_id = ? AND metric_id = ?').run(experimentId, id);
    }
    for (const metric of metrics.filter((m) => !kept.includes(m))) rebuildMetric(client, experimentId, metric, bounds);
    rebuiltMetrics = metrics.length - kept.length;
    const moved = bounds.lastEventId !== state!.lastEventId || bounds.lastExposureId !== state!.lastExposureId;
    if (kept.length > 0 && moved) {
      changedUsers = collectChangedUsers(client, experimentId, kept, state!, bounds);
      if (changedUsers > 0) for (const metric of kept) recomputeUsers(client, experimentId, metric, bounds);
      client.exec('DROP TABLE IF EXISTS temp.report_changed_users');
    }
  }

  const all = groups.reduce((a, g) => ({ n: a.n + g.users, s: a.s + g.firstMsSum }), { n: 0, s: 0n });
  client.prepare(
    `INSERT INTO report_refresh_state (experiment_id, definitions, last_event_id, last_exposure_id, exposure_count, exposure_first_ms_sum, base_ms, refreshed_at_ms)
     VALUES (:experimentId, :definitions, :lastEventId, :lastExposureId, :n, :s, :baseMs, :nowMs)
     ON CONFLICT (experiment_id) DO UPDATE SET definitions = excluded.definitions, last_event_id = excluded.last_event_id,
       last_exposure_id = excluded.last_exposure_id, exposure_count = excluded.exposure_count,
       exposure_first_ms_sum = excluded.exposure_first_ms_sum, refreshed_at_ms = excluded.refreshed_at_ms`
  ).run({ experimentId, definitions: JSON.stringify(definitions), ...bounds, n: all.n, s: all.s, baseMs, nowMs: input.nowMs });
  const mode = fullRebuild ? 'rebuild' : rebuiltMetrics > 0 || changedUsers > 0 ? 'incremental' : 'unchanged';
  return { mode, rebuiltMetrics, changedUsers, ...bounds, groups };
}

/**
 * The offset subtracted from first exposure times in the checksum on the first refresh
 * (keeps Σ far from int64 overflow): any exposure's time.
 */
function baseFor(client: Database.Database, experimentId: number): number {
  const row = client.prepare('SELECT first_exposed_at_ms AS t FROM exposures WHERE experiment_id = ? LIMIT 1').get(experimentId) as { t: number } | undefined;
  return row?.t ?? 0;
}
