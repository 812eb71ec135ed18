/**
 * Advancing the PostgreSQL report store past its watermarks (the form of SQLite's
 * `db/sqlite/queries/metric-store.ts`; same steps, same values, aggregated by the database):
 * 1. Read the watermarks: the last event, exposure and moved-exposure ids counted.
 * 2. Rebuild everything when there is no state or the variants changed; rebuild one metric
 *    when its definition changed; drop metrics no longer used.
 * 3. Otherwise the changed users are: exposed since the exposure watermark, first exposure
 *    moved earlier (rows of `report_moved_exposures` past the `seq` watermark, appended by the
 *    trigger `report_exposure_moved`), or an event of one of a metric's names since the event
 *    watermark. Per metric, their old rows' contribution leaves the sums, their values are
 *    recomputed from all their events, and the new contribution is added.
 * Runs inside the caller's transaction (see `report-source.ts` for the locks and snapshot).
 */
import type pg from 'pg';
import type { StoreMetric } from '../store/index.ts';
import { execute, query, STORE_SCHEMA } from './report-store-schema.ts';
import {
  ADD_GROUP_SUMS, addSums, DAY_MS, definitionOf, deleteMetric, insertValues, rebuildMetrics, rebuildUsers, SUM_COLUMNS,
  USERS_METRIC_ID, valueColumns, type Bounds
} from './report-values.ts';
import { addSegmentExposures, addSegmentSums, clearSegmentSums, keptSegmentAttributes } from './report-segments.ts';

export type RefreshResult = {
  mode: 'rebuild' | 'incremental' | 'unchanged';
  /** Metrics rebuilt from scratch (all of them on a full rebuild). */
  rebuiltMetrics: number;
  /** Users recomputed by the incremental step (for at least one metric). */
  changedUsers: number;
} & Bounds;

type State = { definitions: string } & Bounds;
type Definitions = { variants: string[]; metrics: Record<string, string> };

const ids = (column: string, table: string) => `(SELECT coalesce(max(${column}), 0) FROM ${table})::float8`;

/** Current ids: everything up to them is what this refresh counts. */
export async function currentBounds(client: pg.ClientBase): Promise<Bounds> {
  const [row] = await query<Bounds>(client,
    `SELECT ${ids('id', 'events')} AS "lastEventId", ${ids('id', 'exposures')} AS "lastExposureId",
       ${ids('seq', 'report_moved_exposures')} AS "lastMovedSeq"`);
  return row!;
}

async function refreshState(client: pg.ClientBase, experimentId: number): Promise<State | null> {
  const [row] = await query<State>(client,
    `SELECT definitions, last_event_id::float8 AS "lastEventId", last_exposure_id::float8 AS "lastExposureId",
       last_moved_seq::float8 AS "lastMovedSeq" FROM ${STORE_SCHEMA}.refresh_state WHERE experiment_id = :experimentId::int`,
    { experimentId });
  return row ?? null;
}

async function writeState(client: pg.ClientBase, experimentId: number, definitions: Definitions, bounds: Bounds, nowMs: number): Promise<void> {
  await query(client,
    `INSERT INTO ${STORE_SCHEMA}.refresh_state (experiment_id, definitions, last_event_id, last_exposure_id, last_moved_seq, refreshed_at_ms)
     VALUES (:experimentId::int, :definitions::text, :lastEventId::bigint, :lastExposureId::bigint, :lastMovedSeq::bigint, :nowMs::bigint)
     ON CONFLICT (experiment_id) DO UPDATE SET definitions = excluded.definitions, last_event_id = excluded.last_event_id,
       last_exposure_id = excluded.last_exposure_id, last_moved_seq = excluded.last_moved_seq, refreshed_at_ms = excluded.refreshed_at_ms`,
    { experimentId, definitions: JSON.stringify(definitions), nowMs: Math.round(nowMs), ...bounds });
}

/** A fresh temp table for this transaction (dropped at commit). */
async function tempTable(client: pg.ClientBase, name: string, columns: string): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS pg_temp.${name}`);
  await client.query(`CREATE TEMP TABLE ${name} (${columns}) ON COMMIT DROP`);
}

/**
 * Collects the changed users into `pg_temp.report_changed (user_id, event_name)`: '*' for a new
 * or moved exposure (every metric), else the name of a new event. Updates the exposed-users
 * sums for new and moved exposures. Returns the number of distinct users.
 */
async function collectChanges(client: pg.ClientBase, experimentId: number, names: string[], state: State, bounds: Bounds): Promise<number> {
  await tempTable(client, 'report_moved', 'user_id text PRIMARY KEY, old_first_ms bigint NOT NULL');
  await tempTable(client, 'report_changed', 'user_id text NOT NULL, event_name text NOT NULL, PRIMARY KEY (user_id, event_name)');
  const range = { experimentId, oldExposureId: state.lastExposureId, lastExposureId: bounds.lastExposureId };
  // The first move of each user since the watermark holds the time the store counted.
  await execute(client,
    `INSERT INTO pg_temp.report_moved SELECT DISTINCT ON (user_id) user_id, old_first_ms FROM report_moved_exposures
     WHERE experiment_id = :experimentId::int AND seq > :fromSeq::bigint AND seq <= :toSeq::bigint ORDER BY user_id, seq`,
    { experimentId, fromSeq: state.lastMovedSeq, toSeq: bounds.lastMovedSeq });
  // Moved first exposures of users counted before: one user fewer on the old day ...
  await execute(client,
    `INSERT INTO ${STORE_SCHEMA}.group_sums AS g (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
     SELECT :experimentId::int, ${USERS_METRIC_ID}, x.variant_key, (m.old_first_ms / ${DAY_MS})::int, -count(*), 0, 0, 0, 0, 0
     FROM pg_temp.report_moved m JOIN exposures x ON x.experiment_id = :experimentId::int AND x.user_id = m.user_id
     WHERE x.id <= :oldExposureId::bigint GROUP BY 3, 4 ${ADD_GROUP_SUMS}`,
    { experimentId, oldExposureId: state.lastExposureId });
  // ... and one more on the new day; new exposures likewise.
  await execute(client,
    `INSERT INTO ${STORE_SCHEMA}.group_sums AS g (experiment_id, metric_id, variant_key, day, ${SUM_COLUMNS})
     SELECT :experimentId::int, ${USERS_METRIC_ID}, variant_key, (first_ms / ${DAY_MS})::int, count(*), 0, 0, 0, 0, 0 FROM (
       SELECT x.variant_key, x.first_exposed_at_ms AS first_ms FROM pg_temp.report_moved m
         JOIN exposures x ON x.experiment_id = :experimentId::int AND x.user_id = m.user_id WHERE x.id <= :oldExposureId::bigint
       UNION ALL
       SELECT variant_key, first_exposed_at_ms FROM exposures
       WHERE id > :oldExposureId::bigint AND id <= :lastExposureId::bigint AND experiment_id = :experimentId::int
     ) t GROUP BY 3, 4 ${ADD_GROUP_SUMS}`,
    range);
  await execute(client,
    `INSERT INTO pg_temp.report_changed
     SELECT user_id, '*' FROM pg_temp.report_moved
     UNION
     SELECT user_id, '*' FROM exposures WHERE id > :oldExposureId::bigint AND id <= :lastExposureId::bigint AND experiment_id = :experimentId::int
     ON CONFLICT DO NOTHING`,
    range);
  await execute(client,
    `INSERT INTO pg_temp.report_changed
     SELECT DISTINCT e.user_id, e.event_name FROM events e
       JOIN exposures x ON x.experiment_id = :experimentId::int AND x.user_id = e.user_id
     WHERE e.id > :fromEventId::bigint AND e.id <= :toEventId::bigint AND e.event_name = ANY(:names::text[])
     ON CONFLICT DO NOTHING`,
    { experimentId, fromEventId: state.lastEventId, toEventId: bounds.lastEventId, names });
  const [{ n }] = await query<{ n: number }>(client, 'SELECT count(DISTINCT user_id)::int AS n FROM pg_temp.report_changed');
  return n;
}

/** Recomputes the users of `pg_temp.report_changed` that `metric` depends on: old sums out, new sums in. */
async function recomputeUsers(client: pg.ClientBase, experimentId: number, metric: StoreMetric, bounds: Bounds, attributes: string[]): Promise<void> {
  const { names } = valueColumns(metric);
  await tempTable(client, 'report_changed_metric', 'user_id text PRIMARY KEY');
  const { rowCount } = await execute(client,
    `INSERT INTO pg_temp.report_changed_metric SELECT DISTINCT user_id FROM pg_temp.report_changed WHERE ${names.length === 2 ? "event_name IN ('*', :n0, :n1)" : 'event_name = ANY(:all::text[])'}`,
    names.length === 2 ? { n0: names[0], n1: names[1] } : { all: ['*', ...names] });
  if (!rowCount) return;
  await addSums(client, experimentId, metric.metricId, -1);
  await addSegmentSums(client, experimentId, attributes, metric.metricId, -1);
  await query(client,
    `DELETE FROM ${STORE_SCHEMA}.user_values WHERE experiment_id = :experimentId::int AND metric_id = :metricId::int
     AND user_id IN (SELECT user_id FROM pg_temp.report_changed_metric)`,
    { experimentId, metricId: metric.metricId });
  await insertValues(client, experimentId, metric, 'pg_temp.report_changed_metric c JOIN exposures x ON x.user_id = c.user_id', bounds);
  await addSums(client, experimentId, metric.metricId, 1);
  await addSegmentSums(client, experimentId, attributes, metric.metricId, 1);
}

function definitionsOf(variantKeys: string[], metrics: StoreMetric[]): Definitions {
  return { variants: variantKeys, metrics: Object.fromEntries(metrics.map((m) => [String(m.metricId), definitionOf(m)])) };
}

/**
 * Brings the store of an experiment up to `bounds` (see the file comment), inside the caller's
 * transaction, which holds the experiment's refresh lock. Pass `forceRebuild` to recompute everything.
 * @example await refreshReportStore(client, { experimentId, metrics, variantKeys, nowMs }, await currentBounds(client))
 */
export async function refreshReportStore(client: pg.ClientBase, input: {
  experimentId: number; metrics: StoreMetric[]; variantKeys: string[]; nowMs: number; forceRebuild?: boolean;
}, bounds: Bounds): Promise<RefreshResult> {
  const { experimentId, metrics } = input;
  const state = await refreshState(client, experimentId);
  const definitions = definitionsOf(input.variantKeys, metrics);
  const stored = state ? JSON.parse(state.definitions) as Definitions : null;
  const fullRebuild = input.forceRebuild || !state || !stored || JSON.stringify(stored.variants) !== JSON.stringify(definitions.variants);

  let rebuiltMetrics = 0;
  let changedUsers = 0;
  if (fullRebuild) {
    for (const table of ['user_values', 'group_sums', 'segment_sums']) {
      await query(client, `DELETE FROM ${STORE_SCHEMA}.${table} WHERE experiment_id = :experimentId::int`, { experimentId });
    }
    await rebuildUsers(client, experimentId, bounds);
    await rebuildMetrics(client, experimentId, metrics, bounds);
    rebuiltMetrics = metrics.length;
  } else {
    const kept = metrics.filter((m) => stored!.metrics[String(m.metricId)] === definitions.metrics[String(m.metricId)]);
    const used = new Set(metrics.map((m) => m.metricId));
    for (const id of Object.keys(stored!.metrics).map(Number).filter((id) => !used.has(id))) await deleteMetric(client, experimentId, id);
    const moved = bounds.lastEventId !== state!.lastEventId || bounds.lastExposureId !== state!.lastExposureId ||
      bounds.lastMovedSeq !== state!.lastMovedSeq;
    const rebuilt = metrics.filter((m) => !kept.includes(m));
    // Kept splits are recomputed on their next use after a metric rebuild.
    if (rebuilt.length > 0) await clearSegmentSums(client, experimentId);
    const attributes = await keptSegmentAttributes(client, experimentId);
    if (moved) {
      const names = [...new Set(kept.flatMap((m) => valueColumns(m).names))];
      changedUsers = await collectChanges(client, experimentId, names, state!, bounds);
      await addSegmentExposures(client, experimentId, attributes, state!.lastExposureId, bounds.lastExposureId);
      if (changedUsers > 0) for (const metric of kept) await recomputeUsers(client, experimentId, metric, bounds, attributes);
    }
    if (rebuilt.length > 0) await rebuildMetrics(client, experimentId, rebuilt, bounds);
    rebuiltMetrics = rebuilt.length;
  }

  await writeState(client, experimentId, definitions, bounds, input.nowMs);
  const mode = fullRebuild ? 'rebuild' : rebuiltMetrics > 0 || changedUsers > 0 ? 'incremental' : 'unchanged';
  return { mode, rebuiltMetrics, changedUsers, ...bounds };
}
