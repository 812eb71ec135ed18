/**
 * Segment splits from running sums, on PostgreSQL (the form of SQLite's
 * `db/sqlite/queries/segment-sums.ts`): the first split of an experiment by an attribute stores per
 * (segment, variant) sums of every metric in `report_store.segment_sums`; each later refresh
 * moves them by the changed users' new-minus-old values; a rebuilt metric clears them.
 */
import type pg from 'pg';
import type { GroupAggregate, MetricSums, StoreMetric } from '../store/index.ts';
import { execute, query, STORE_SCHEMA } from './report-store-schema.ts';
import { addOnConflict, signedSums, SUM_COLUMNS, USERS_METRIC_ID } from './report-values.ts';

/** How a missing attribute value is stored (shown as '(none)'), as in SQLite's store. */
const NONE = '\u0001';
const ADD_SEGMENT_SUMS = addOnConflict('experiment_id, attribute, metric_id, segment, variant_key');
const COLUMNS = `experiment_id, attribute, metric_id, segment, variant_key, ${SUM_COLUMNS}`;

/**
 * An exposure's segment: the attribute's value as text, written as SQLite's
 * `CAST(json_extract(attributes, '$."a"') AS TEXT)` writes it (true and false as 1 and 0), so
 * both engines split the same users into the same segments. The attribute is bound (`:attribute`).
 */
export const segmentOf = (alias: string) => `coalesce(CASE jsonb_typeof(${alias}.attributes -> :attribute::text)
  WHEN 'boolean' THEN CASE WHEN (${alias}.attributes -> :attribute::text)::boolean THEN '1' ELSE '0' END
  ELSE ${alias}.attributes ->> :attribute::text END, '${NONE}')`;

/** The attributes whose sums an experiment keeps. */
export async function keptSegmentAttributes(client: pg.ClientBase, experimentId: number): Promise<string[]> {
  const rows = await query<{ attribute: string }>(client,
    `SELECT DISTINCT attribute FROM ${STORE_SCHEMA}.segment_sums WHERE experiment_id = :experimentId::int AND metric_id = ${USERS_METRIC_ID}`,
    { experimentId });
  return rows.map((r) => r.attribute);
}

/** Forgets every kept split of an experiment. */
export async function clearSegmentSums(client: pg.ClientBase, experimentId: number): Promise<void> {
  await query(client, `DELETE FROM ${STORE_SCHEMA}.segment_sums WHERE experiment_id = :experimentId::int`, { experimentId });
}

/** Adds the exposures with ids in (fromId, toId] to the exposed users of every kept split. */
export async function addSegmentExposures(client: pg.ClientBase, experimentId: number, attributes: string[], fromId: number, toId: number): Promise<void> {
  for (const attribute of attributes) {
    await execute(client,
      `INSERT INTO ${STORE_SCHEMA}.segment_sums AS g (${COLUMNS})
       SELECT :experimentId::int, :attribute::text, ${USERS_METRIC_ID}, ${segmentOf('x')}, x.variant_key, count(*), 0, 0, 0, 0, 0
       FROM exposures x WHERE x.id > :fromId::bigint AND x.id <= :toId::bigint AND x.experiment_id = :experimentId::int
       GROUP BY 4, 5 ${ADD_SEGMENT_SUMS}`,
      { experimentId, attribute, fromId, toId });
  }
}

/** Adds (1) or subtracts (-1) the rows of `metricId` of the users in `pg_temp.report_changed_metric` to every kept split. */
export async function addSegmentSums(client: pg.ClientBase, experimentId: number, attributes: string[], metricId: number, sign: 1 | -1): Promise<void> {
  for (const attribute of attributes) {
    await execute(client,
      `INSERT INTO ${STORE_SCHEMA}.segment_sums AS g (${COLUMNS})
       SELECT :experimentId::int, :attribute::text, :metricId::int, ${segmentOf('x')}, r.variant_key, ${signedSums(sign)}
       FROM pg_temp.report_changed_metric c
         JOIN ${STORE_SCHEMA}.user_values r ON r.experiment_id = :experimentId::int AND r.metric_id = :metricId::int AND r.user_id = c.user_id
         JOIN exposures x ON x.experiment_id = :experimentId::int AND x.user_id = c.user_id
       GROUP BY 4, 5 ${ADD_SEGMENT_SUMS}`,
      { experimentId, attribute, metricId });
  }
}

/** Computes and keeps the split by `attribute` from scratch: the users per segment, then each metric's sums, in SQL. */
async function computeSegmentSums(client: pg.ClientBase, experimentId: number, metrics: StoreMetric[], attribute: string): Promise<void> {
  const segments = `SELECT ${segmentOf('x')} AS segment, x.variant_key, x.user_id FROM exposures x WHERE x.experiment_id = :experimentId::int`;
  await execute(client,
    `INSERT INTO ${STORE_SCHEMA}.segment_sums (${COLUMNS})
     SELECT :experimentId::int, :attribute::text, ${USERS_METRIC_ID}, s.segment, s.variant_key, count(*), 0, 0, 0, 0, 0
     FROM (${segments}) s GROUP BY s.segment, s.variant_key`,
    { experimentId, attribute });
  for (const metric of metrics) {
    await execute(client,
      `INSERT INTO ${STORE_SCHEMA}.segment_sums (${COLUMNS})
       SELECT :experimentId::int, :attribute::text, :metricId::int, s.segment, s.variant_key, ${signedSums(1)}
       FROM (${segments}) s
         JOIN ${STORE_SCHEMA}.user_values r ON r.experiment_id = :experimentId::int AND r.metric_id = :metricId::int AND r.user_id = s.user_id
       GROUP BY s.segment, s.variant_key`,
      { experimentId, attribute, metricId: metric.metricId });
  }
}

const zeroSums = (): MetricSums => ({ sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 });
type SumsRow = MetricSums & { segment: string; variant: string };
const SUMS_AS = `sum, sum_squares AS "sumSquares", sum_denominator AS "sumDenominator",
  sum_denominator_squares AS "sumDenominatorSquares", sum_cross_products AS "sumCrossProducts"`;

/**
 * Per (segment, variant) aggregates from the kept sums (computed on the first split), a
 * winsorized metric's excess over its cap subtracted, conflicted users from the partial index.
 * Ordered by segment then variant (byte order, as SQLite). Call after the refresh, in its transaction.
 * @example await storeSegmentAggregates(client, 7, metrics, caps, 'channel')
 */
export async function storeSegmentAggregates(
  client: pg.ClientBase, experimentId: number, metrics: StoreMetric[], caps: Array<number | null>, attribute: string
): Promise<GroupAggregate[]> {
  const params = { experimentId, attribute };
  const kept = await query(client,
    `SELECT 1 FROM ${STORE_SCHEMA}.segment_sums WHERE experiment_id = :experimentId::int AND attribute = :attribute::text AND metric_id = ${USERS_METRIC_ID} LIMIT 1`, params);
  if (kept.length === 0) await computeSegmentSums(client, experimentId, metrics, attribute);
  const key = (segment: string, variant: string) => `${segment}\u0000${variant}`;
  const users = await query<{ segment: string; variant: string; users: number }>(client,
    `SELECT segment, variant_key AS variant, n::int AS users FROM ${STORE_SCHEMA}.segment_sums
     WHERE experiment_id = :experimentId::int AND attribute = :attribute::text AND metric_id = ${USERS_METRIC_ID} AND n <> 0
     ORDER BY segment COLLATE "C", variant_key COLLATE "C"`, params);
  const conflicted = new Map((await query<{ segment: string; variant: string; n: number }>(client,
    `SELECT ${segmentOf('x')} AS segment, x.variant_key AS variant, count(*)::int AS n FROM exposures x
     WHERE x.experiment_id = :experimentId::int AND x.conflict_count > 0 GROUP BY 1, 2`, params)).map((r) => [key(r.segment, r.variant), r.n]));
  const perMetric: Array<Map<string, MetricSums>> = [];
  for (const [i, metric] of metrics.entries()) {
    const rows = await query<SumsRow>(client,
      `SELECT segment, variant_key AS variant, ${SUMS_AS} FROM ${STORE_SCHEMA}.segment_sums
       WHERE experiment_id = :experimentId::int AND attribute = :attribute::text AND metric_id = :metricId::int`,
      { ...params, metricId: metric.metricId });
    const sums = new Map(rows.map(({ segment, variant, ...s }) => [key(segment, variant),
      metric.kind === 'ratio' || metric.kind === 'time_to_event' ? s : { ...s, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }]));
    const cap = caps[i] ?? null;
    if (cap !== null) {
      const excess = await query<{ segment: string; variant: string; over: number; overSquares: number }>(client,
        `SELECT ${segmentOf('x')} AS segment, r.variant_key AS variant, coalesce(sum(r.value - :cap::float8), 0) AS over,
           coalesce(sum(r.value * r.value - :cap::float8 * :cap::float8), 0) AS "overSquares"
         FROM ${STORE_SCHEMA}.user_values r JOIN exposures x ON x.experiment_id = r.experiment_id AND x.user_id = r.user_id
         WHERE r.experiment_id = :experimentId::int AND r.metric_id = :metricId::int AND r.winsorized AND r.value > :cap::float8
         GROUP BY 1, 2`,
        { ...params, metricId: metric.metricId, cap });
      for (const e of excess) {
        const s = sums.get(key(e.segment, e.variant));
        if (s) { s.sum -= e.over; s.sumSquares -= e.overSquares; }
      }
    }
    perMetric.push(sums);
  }
  return users.map((u) => ({
    variant: u.variant, day: null, segment: u.segment === NONE ? '(none)' : u.segment, users: u.users,
    conflicted: conflicted.get(key(u.segment, u.variant)) ?? 0,
    metrics: perMetric.map((m) => m.get(key(u.segment, u.variant)) ?? zeroSums())
  }));
}

/**
 * Whether any exposure of the experiment carries `attribute` (a JSON null counts as absent,
 * as in SQLite). Stops at the first match.
 */
export async function segmentAttributeSeen(client: pg.ClientBase, experimentId: number, attribute: string): Promise<boolean> {
  const rows = await query(client,
    'SELECT 1 FROM exposures WHERE experiment_id = :experimentId::int AND attributes ->> :attribute::text IS NOT NULL LIMIT 1',
    { experimentId, attribute });
  return rows.length > 0;
}

/** Attribute names seen on the experiment's first `sample` exposures, sorted by code point, at most 20 (as SQLite's). */
export async function segmentAttributes(client: pg.ClientBase, experimentId: number, sample = 2000): Promise<string[]> {
  const rows = await query<{ name: string }>(client,
    `SELECT DISTINCT k.name COLLATE "C" AS name
     FROM (SELECT attributes FROM exposures WHERE experiment_id = :experimentId::int LIMIT :sample::int) x,
       LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(x.attributes) = 'object' THEN x.attributes ELSE '{}'::jsonb END) AS k(name)
     ORDER BY 1 LIMIT 20`,
    { experimentId, sample });
  return rows.map((r) => r.name).filter((name) => /^[A-Za-z0-9_.-]{1,64}$/.test(name));
}
