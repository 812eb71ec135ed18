/**
 * The report store: per (experiment, metric, user) values in `report_user_values` and their
 * running sums per (metric, variant, first-exposure day) in `report_group_sums`, advanced
 * lazily at report time, so a report reads a few hundred sums instead of recomputing every
 * user's window from the raw events or re-reading every user's value.
 *
 * The store is in a file of its own (`report-store-schema.ts`); a refresh runs in a deferred
 * transaction that reads the main file's snapshot and writes only the store, so it never
 * takes the main file's write lock. Refresh, inside the caller's transaction:
 * 1. Read the watermarks: the last event, exposure and moved-exposure ids counted.
 * 2. Rebuild everything when there is no state or the variants changed; rebuild one metric
 *    when its definition (kind, events, window, winsorized or not) changed; drop metrics no
 *    longer used.
 * 3. Otherwise the changed users are: exposed since the exposure watermark, first exposure
 *    moved earlier (appended by the trigger `report_exposure_moved` to
 *    `report_moved_exposures`, read past the store's `seq` watermark), or an event of one of the metric's event names since the
 *    event watermark (late events with old timestamps included). Per metric, their old rows'
 *    contribution is subtracted from the sums, their values recomputed from all their events,
 *    and the new contribution added. Everyone else is unchanged, and nothing scans the whole
 *    store or the exposures.
 * Each user's value comes from the same SQL in a full and an incremental refresh, so stored
 * values are bit-identical. The sums of integer values (binomial, count, users) are exact;
 * sums of non-integer values (revenue, ratio sides with values) may differ from a rebuild in
 * the last bits (~1e-15 relative) because additions happen in another order.
 */
import type Database from 'better-sqlite3';
import {
  addSums, ADD_SUMS, definitionOf, deleteMetric, insertValues, rebuildUsers, createExposedCopy, dropExposedCopy, SUM_COLUMNS, USERS_METRIC_ID,
  valueColumns, type Bounds, type StoreMetric
} from './store-values.ts';
import { rebuildMetrics, type RebuildPath } from './store-rebuild.ts';
import { STORE_SCHEMA } from './report-store-schema.ts';

import { addSegmentExposures, addSegmentSums, clearSegmentSums, keptSegmentAttributes } from './segment-sums.ts';

export { isWinsorized, USERS_METRIC_ID, type ExposureGroup, type StoreMetric } from './store-values.ts';
export type { RebuildPath } from './store-rebuild.ts';

const DAY_MS = 86_400_000;

export type RefreshResult = {
  mode: 'rebuild' | 'incremental' | 'unchanged';
  /** Metrics rebuilt from scratch (all of them on a full rebuild). */
  rebuiltMetrics: number;
  /** Users recomputed by the incremental step (for at least one metric). */
  changedUsers: number;
  lastEventId: number;
  lastExposureId: number;
};

type State = { definitions: string } & Bounds;

/**
 * The moved first exposures of one experiment since the store's `seq` watermark, one row per
 * user with the time the store counted (the first row's `old_first_ms`), into
 * `temp.report_moved (user_id, old_first_ms)`.
 */
function collectMoved(client: Database.Database, experimentId: number, state: State, bounds: Bounds): void {
  client.exec(`DROP TABLE IF EXISTS temp.report_moved;
    CREATE TEMP TABLE report_moved (user_id TEXT PRIMARY KEY, old_first_ms INTEGER NOT NULL) WITHOUT ROWID`);
  client.prepare(
    `INSERT OR IGNORE INTO temp.report_moved SELECT user_id, old_first_ms FROM report_moved_exposures
     WHERE experiment_id = ? AND seq > ? AND seq <= ? ORDER BY seq`
  ).run(experimentId, state.lastMovedSeq, bounds.lastMovedSeq);
}

/**
 * Collects the changed users into `temp.report_changed (user_id, event_name)`: '*' for a new
 * or moved exposure (every metric), else the name of a new event. Updates the exposed-users
 * sums for new and moved exposures. Returns the number of distinct users.
 */
function collectChanges(client: Database.Database, experimentId: number, names: string[], state: State, bounds: Bounds): number {
  client.exec(`DROP TABLE IF EXISTS temp.report_changed;
    CREATE TEMP TABLE report_changed (user_id TEXT NOT NULL, event_name TEXT NOT NULL, PRIMARY KEY (user_id, event_name)) WITHOUT ROWID`);
  const range = { experimentId, oldExposureId: state.lastExposureId, lastExposureId: bounds.lastExposureId };
  collectMoved(client, experimentId, state, bounds);
  // Moved first exposures of users counted before: one user fewer on the old day.
  client.prepare(
    `INSERT INTO report_group_sums (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
     SELECT :experimentId, ${USERS_METRIC_ID}, x.variant_key, m.old_first_ms / ${DAY_MS} AS day, -COUNT(*), 0, 0, 0, 0, 0
     FROM temp.report_moved m CROSS JOIN exposures x INDEXED BY exposures_experiment_user ON x.experiment_id = :experimentId AND x.user_id = m.user_id
     WHERE x.id <= :oldExposureId GROUP BY x.variant_key, day ${ADD_SUMS}`
  ).run({ experimentId, oldExposureId: state.lastExposureId });
  // ... and one more on the new day; new exposures likewise.
  client.prepare(
    `INSERT INTO report_group_sums (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
     SELECT :experimentId, ${USERS_METRIC_ID}, variant_key, first_exposed_at_ms / ${DAY_MS} AS day, COUNT(*), 0, 0, 0, 0, 0 FROM (
       SELECT x.variant_key, x.first_exposed_at_ms FROM temp.report_moved m
         CROSS JOIN exposures x INDEXED BY exposures_experiment_user ON x.experiment_id = :experimentId AND x.user_id = m.user_id
         WHERE x.id <= :oldExposureId
       UNION ALL
       SELECT variant_key, first_exposed_at_ms FROM exposures WHERE id > :oldExposureId AND id <= :lastExposureId AND +experiment_id = :experimentId
     ) WHERE true GROUP BY variant_key, day ${ADD_SUMS}`
  ).run(range);
  client.prepare(
    `INSERT OR IGNORE INTO temp.report_changed
     SELECT user_id, '*' FROM temp.report_moved
     UNION ALL
     SELECT user_id, '*' FROM exposures WHERE id > :oldExposureId AND id <= :lastExposureId AND +experiment_id = :experimentId`
  ).run(range);
  client.prepare(
    `INSERT OR IGNORE INTO temp.report_changed
     SELECT e.user_id, e.event_name FROM events e CROSS JOIN exposures x INDEXED BY exposures_experiment_user
       ON x.experiment_id = ? AND x.user_id = e.user_id
     WHERE e.id > ? AND e.id <= ? AND +e.event_name IN (SELECT value FROM json_each(?))`
  ).run(experimentId, state.lastEventId, bounds.lastEventId, JSON.stringify(names));
  return (client.prepare('SELECT COUNT(DISTINCT user_id) AS n FROM temp.report_changed').get() as { n: number }).n;
}

/** Recomputes the users of `temp.report_changed` that `metric` depends on: old sums out, new sums in. */
function recomputeUsers(client: Database.Database, experimentId: number, metric: StoreMetric, bounds: Bounds, attributes: string[]): void {
  const { names } = valueColumns(metric);
  client.exec(`DROP TABLE IF EXISTS temp.report_changed_metric;
    CREATE TEMP TABLE report_changed_metric (user_id TEXT PRIMARY KEY) WITHOUT ROWID`);
  const { changes } = client.prepare(
    `INSERT OR IGNORE INTO temp.report_changed_metric SELECT user_id FROM temp.report_changed WHERE event_name IN ('*', ${names.map(() => '?').join(', ')}) ORDER BY user_id`
  ).run(...names);
  if (changes === 0) return;
  addSums(client, experimentId, metric.metricId, -1);
  addSegmentSums(client, experimentId, attributes, metric.metricId, -1);
  client.prepare(
    `DELETE FROM report_user_values WHERE experiment_id = ? AND metric_id = ?
     AND user_id IN (SELECT user_id FROM temp.report_changed_metric)`
  ).run(experimentId, metric.metricId);
  insertValues(client, experimentId, metric,
    'temp.report_changed_metric c CROSS JOIN exposures x INDEXED BY exposures_experiment_user ON x.user_id = c.user_id', bounds);
  addSums(client, experimentId, metric.metricId, 1);
  addSegmentSums(client, experimentId, attributes, metric.metricId, 1);
}

/** Current ids: everything up to them is what this refresh counts. */
function currentBounds(client: Database.Database): Bounds {
  return client.prepare(
    `SELECT (SELECT COALESCE(MAX(id), 0) FROM events) AS lastEventId, (SELECT COALESCE(MAX(id), 0) FROM exposures) AS lastExposureId,
       (SELECT COALESCE(MAX(seq), 0) FROM report_moved_exposures) AS lastMovedSeq`
  ).get() as Bounds;
}

/** The stored watermarks of an experiment, or null before its first refresh. */
export function refreshState(client: Database.Database, experimentId: number): State | null {
  const row = client.prepare(
    `SELECT definitions, last_event_id AS lastEventId, last_exposure_id AS lastExposureId, last_moved_seq AS lastMovedSeq
     FROM report_refresh_state WHERE experiment_id = ?`
  ).get(experimentId) as State | undefined;
  return row ?? null;
}

/**
 * Connection settings for the refresh's writes, applied once per connection outside any
 * transaction: a 256 MiB page cache for the main file and the attached store (the store's b-trees of a 1M-user experiment stay in
 * memory; SQLite's default is 2 MiB; the machine has 24 GiB) and temp tables in memory. Only
 * ever raises the cache; leaves temp_store alone when already MEMORY (changing it drops
 * existing temp tables).
 * @example tuneForReports(db.$client)
 */
export function tuneForReports(client: Database.Database): void {
  if (tuned.has(client)) return;
  tuned.add(client);
  const raiseCache = (schema: string) => {
    const cache = client.pragma(`${schema}.cache_size`, { simple: true }) as number;
    const pageSize = client.pragma(`${schema}.page_size`, { simple: true }) as number;
    const kib = cache < 0 ? -cache : (cache * pageSize) / 1024;
    if (kib < 262_144) client.pragma(`${schema}.cache_size = -262144`);
  };
  raiseCache('main');
  // The report store's file has a cache of its own (16 MiB by default): a cold rebuild writes
  // ~150 MB of it at 1M users, and a smaller cache spills pages to the WAL mid-transaction.
  if ((client.pragma('database_list') as Array<{ name: string }>).some((d) => d.name === STORE_SCHEMA)) raiseCache(STORE_SCHEMA);
  if (client.pragma('temp_store', { simple: true }) !== 2 && !client.inTransaction) client.pragma('temp_store = MEMORY');
}
const tuned = new WeakSet<Database.Database>();

type Definitions = { variants: string[]; metrics: Record<string, string> };

function definitionsOf(variantKeys: string[], metrics: StoreMetric[]): Definitions {
  return { variants: variantKeys, metrics: Object.fromEntries(metrics.map((m) => [String(m.metricId), definitionOf(m)])) };
}

function writeState(client: Database.Database, experimentId: number, definitions: Definitions, bounds: Bounds, nowMs: number): void {
  client.prepare(
    `INSERT INTO report_refresh_state (experiment_id, definitions, last_event_id, last_exposure_id, last_moved_seq, refreshed_at_ms)
     VALUES (:experimentId, :definitions, :lastEventId, :lastExposureId, :lastMovedSeq, :nowMs)
     ON CONFLICT (experiment_id) DO UPDATE SET definitions = excluded.definitions, last_event_id = excluded.last_event_id,
       last_exposure_id = excluded.last_exposure_id, last_moved_seq = excluded.last_moved_seq, refreshed_at_ms = excluded.refreshed_at_ms`
  ).run({
    experimentId, definitions: JSON.stringify(definitions), nowMs,
    lastEventId: bounds.lastEventId, lastExposureId: bounds.lastExposureId, lastMovedSeq: bounds.lastMovedSeq
  });
}

/** Whether the next refresh of an experiment would rebuild everything (no state, or the variants changed). */
export function needsFullRebuild(client: Database.Database, experimentId: number, variantKeys: string[]): boolean {
  const state = refreshState(client, experimentId);
  return !state || JSON.stringify((JSON.parse(state.definitions) as Definitions).variants) !== JSON.stringify(variantKeys);
}

/**
 * The full rebuild in short transactions of the store: one for the exposed users, one per
 * pass over an event name, one per metric, one for the watermarks, so another report of the
 * same store waits at most one of them. None takes the main file's write lock. Every
 * chunk counts up to the ids read in the first, so events and exposures written meanwhile
 * are left to the next (incremental) refresh, and moves meanwhile are recorded by the
 * trigger. A crash in between leaves no state: the next refresh starts over. Call outside a
 * transaction, then `refreshMetricStore` (which then only catches up).
 * @example rebuildMetricStoreInChunks(client, { experimentId, metrics, variantKeys, nowMs: Date.now() })
 */
export function rebuildMetricStoreInChunks(client: Database.Database, input: {
  experimentId: number; metrics: StoreMetric[]; variantKeys: string[]; nowMs: number; rebuildPath?: RebuildPath;
}): void {
  const { experimentId } = input;
  let bounds: Bounds = { lastEventId: 0, lastExposureId: 0, lastMovedSeq: 0 };
  let users = 0;
  client.transaction(() => {
    bounds = currentBounds(client);
    for (const table of ['report_refresh_state', 'report_user_values', 'report_group_sums', 'report_segment_sums']) {
      client.prepare(`DELETE FROM ${table} WHERE experiment_id = ?`).run(experimentId);
    }
    users = rebuildUsers(client, experimentId);
    dropExposedCopy(client);
    createExposedCopy(client, experimentId, bounds);
  })();
  try {
    rebuildMetrics(client, experimentId, input.metrics, bounds, users, input.rebuildPath, (work) => client.transaction(work)());
    client.transaction(() => writeState(client, experimentId, definitionsOf(input.variantKeys, input.metrics), bounds, input.nowMs))();
  } finally {
    dropExposedCopy(client);
  }
}

/**
 * Brings the report store of an experiment up to date (see the file comment). Must run
 * inside a write transaction. Pass `forceRebuild` to recompute everything (and `rebuildPath`
 * to force how).
 * @example
 * client.transaction(() => refreshMetricStore(client, { experimentId, metrics, variantKeys, nowMs }))();
 */
export function refreshMetricStore(client: Database.Database, input: {
  experimentId: number; metrics: StoreMetric[]; variantKeys: string[]; nowMs: number; forceRebuild?: boolean; rebuildPath?: RebuildPath;
}): RefreshResult {
  const { experimentId, metrics } = input;
  const state = refreshState(client, experimentId);
  const bounds = currentBounds(client);
  const definitions = definitionsOf(input.variantKeys, metrics);
  const stored = state ? JSON.parse(state.definitions) as typeof definitions : null;
  const fullRebuild = input.forceRebuild || !state || !stored ||
    JSON.stringify(stored.variants) !== JSON.stringify(definitions.variants);

  let rebuiltMetrics = 0;
  let changedUsers = 0;
  if (fullRebuild) {
    client.prepare('DELETE FROM report_user_values WHERE experiment_id = ?').run(experimentId);
    client.prepare('DELETE FROM report_group_sums WHERE experiment_id = ?').run(experimentId);
    clearSegmentSums(client, experimentId);
    const users = rebuildUsers(client, experimentId);
    rebuildMetrics(client, experimentId, metrics, bounds, users, input.rebuildPath);
    rebuiltMetrics = metrics.length;
  } else {
    const kept = metrics.filter((m) => stored!.metrics[String(m.metricId)] === definitions.metrics[String(m.metricId)]);
    const ids = new Set(metrics.map((m) => m.metricId));
    for (const id of Object.keys(stored!.metrics).map(Number).filter((id) => !ids.has(id))) deleteMetric(client, experimentId, id);
    const moved = bounds.lastEventId !== state!.lastEventId || bounds.lastExposureId !== state!.lastExposureId ||
      bounds.lastMovedSeq !== state!.lastMovedSeq;
    const rebuilt = metrics.filter((m) => !kept.includes(m));
    // Kept splits are recomputed on their next use after a metric rebuild.
    if (rebuilt.length > 0) clearSegmentSums(client, experimentId);
    const attributes = keptSegmentAttributes(client, experimentId);
    if (moved) {
      const names = [...new Set(kept.flatMap((m) => valueColumns(m).names))];
      changedUsers = collectChanges(client, experimentId, names, state!, bounds);
      addSegmentExposures(client, experimentId, attributes, state!.lastExposureId, bounds.lastExposureId);
      if (changedUsers > 0) for (const metric of kept) recomputeUsers(client, experimentId, metric, bounds, attributes);
      client.exec('DROP TABLE IF EXISTS temp.report_changed; DROP TABLE IF EXISTS temp.report_changed_metric; DROP TABLE IF EXISTS temp.report_moved');
    }
    // Rebuilt after the users' sums are current (they do not depend on it).
    if (rebuilt.length > 0) {
      const { users } = client.prepare(`SELECT COALESCE(SUM(rows), 0) AS users FROM report_group_sums WHERE experiment_id = ? AND metric_id = ${USERS_METRIC_ID}`)
        .get(experimentId) as { users: number };
      rebuildMetrics(client, experimentId, rebuilt, bounds, users, input.rebuildPath);
    }
    rebuiltMetrics = metrics.length - kept.length;
  }

  writeState(client, experimentId, definitions, bounds, input.nowMs);
  const mode = fullRebuild ? 'rebuild' : rebuiltMetrics > 0 || changedUsers > 0 ? 'incremental' : 'unchanged';
  return { mode, rebuiltMetrics, changedUsers, ...bounds };
}
