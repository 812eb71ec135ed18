/**
 * Segment splits from running sums: the first split of an experiment by an attribute
 * computes per (segment, variant) sums of every metric in one pass and stores them in
 * `report_segment_sums`; each later refresh of the store moves them by the changed users'
 * new-minus-old values (see `metric-store.ts`), so a split after new events costs about the
 * new events. A rebuilt metric or variant change clears them (the next split recomputes).
 */
import type Database from 'better-sqlite3';
import type { GroupAggregate, MetricSums } from './metric-aggregates.ts';
import type { MetricQuerySpec } from './metric-users.ts';
import { ADD_SUMS_SEGMENT, USERS_METRIC_ID } from './store-values.ts';

type SpecWithId = MetricQuerySpec & { metricId: number };
/** How a missing attribute value is stored (shown as '(none)'). */
const NONE = '\u0001';
const COLUMNS = 'experiment_id, attribute, metric_id, segment, variant_key, rows, sum, sum_squares, sum_denominator, sum_denominator_squares, sum_cross_products';

const pathOf = (attribute: string) => `$."${attribute.replaceAll('"', '')}"`;
const segmentOf = (alias: string) => `COALESCE(CAST(json_extract(${alias}.attributes, :path) AS TEXT), '${NONE}')`;

/** The attributes whose sums an experiment keeps. */
export function keptSegmentAttributes(client: Database.Database, experimentId: number): string[] {
  return client.prepare(`SELECT DISTINCT attribute FROM report_segment_sums WHERE experiment_id = ? AND metric_id = ${USERS_METRIC_ID}`)
    .pluck().all(experimentId) as string[];
}

/** Forgets every kept split of an experiment (after a rebuild). */
export function clearSegmentSums(client: Database.Database, experimentId: number): void {
  client.prepare('DELETE FROM report_segment_sums WHERE experiment_id = ?').run(experimentId);
}

/** Adds the exposures with ids in (fromId, toId] to the exposed users of every kept split. */
export function addSegmentExposures(client: Database.Database, experimentId: number, attributes: string[], fromId: number, toId: number): void {
  for (const attribute of attributes) {
    client.prepare(
      `INSERT INTO report_segment_sums (${COLUMNS})
       SELECT :experimentId, :attribute, ${USERS_METRIC_ID}, ${segmentOf('x')} AS segment, x.variant_key, COUNT(*), 0, 0, 0, 0, 0
       FROM exposures x WHERE x.id > :fromId AND x.id <= :toId AND +x.experiment_id = :experimentId GROUP BY segment, x.variant_key ${ADD_SUMS_SEGMENT}`
    ).run({ experimentId, attribute, path: pathOf(attribute), fromId, toId });
  }
}

/**
 * Adds (1) or subtracts (-1) the rows of `metricId` of the users in
 * `temp.report_changed_metric` to every kept split.
 */
export function addSegmentSums(client: Database.Database, experimentId: number, attributes: string[], metricId: number, sign: 1 | -1): void {
  for (const attribute of attributes) {
    client.prepare(
      `INSERT INTO report_segment_sums (${COLUMNS})
       SELECT :experimentId, :attribute, :metricId, ${segmentOf('x')} AS segment, r.variant_key, ${sign} * COUNT(*), ${sign} * TOTAL(r.value),
         ${sign} * TOTAL(r.value * r.value), ${sign} * TOTAL(r.denominator), ${sign} * TOTAL(r.denominator * r.denominator), ${sign} * TOTAL(r.value * r.denominator)
       FROM temp.report_changed_metric c
         CROSS JOIN report_user_values r ON r.experiment_id = :experimentId AND r.metric_id = :metricId AND r.user_id = c.user_id
         CROSS JOIN exposures x ON x.experiment_id = :experimentId AND x.user_id = c.user_id
       WHERE true GROUP BY segment, r.variant_key ${ADD_SUMS_SEGMENT}`
    ).run({ experimentId, attribute, metricId, path: pathOf(attribute) });
  }
}

/**
 * Computes and keeps the split by `attribute` from scratch: the attribute read once per user
 * into a temp table keyed by (segment, variant, user), then one pass over it looking up each
 * user's row of every metric, grouped in that order without a sort.
 */
function computeSegmentSums(client: Database.Database, experimentId: number, metrics: SpecWithId[], attribute: string): void {
  client.exec(`DROP TABLE IF EXISTS temp.report_segments;
    CREATE TEMP TABLE report_segments (segment TEXT NOT NULL, variant_key TEXT NOT NULL, user_id TEXT NOT NULL,
      PRIMARY KEY (segment, variant_key, user_id)) WITHOUT ROWID`);
  try {
    client.prepare(
      `INSERT INTO temp.report_segments SELECT ${segmentOf('x')}, x.variant_key, x.user_id
       FROM exposures x INDEXED BY exposures_experiment_user WHERE x.experiment_id = :experimentId`
    ).run({ experimentId, path: pathOf(attribute) });
    const params: Record<string, number | string> = { experimentId, attribute };
    const joins = metrics.map((metric, i) => {
      params[`metric${i}`] = metric.metricId;
      return `LEFT JOIN report_user_values m${i} ON m${i}.experiment_id = :experimentId AND m${i}.metric_id = :metric${i} AND m${i}.user_id = s.user_id`;
    });
    const columns = metrics.map((_, i) => `COUNT(m${i}.user_id) AS n${i}, TOTAL(m${i}.value) AS s${i}, TOTAL(m${i}.value * m${i}.value) AS q${i},
      TOTAL(m${i}.denominator) AS d${i}, TOTAL(m${i}.denominator * m${i}.denominator) AS dd${i}, TOTAL(m${i}.value * m${i}.denominator) AS x${i}`);
    const rows = client.prepare(
      `SELECT s.segment AS segment, s.variant_key AS variant, COUNT(*) AS users${columns.map((c) => `, ${c}`).join('')}
       FROM temp.report_segments s ${joins.join(' ')} GROUP BY s.segment, s.variant_key`
    ).all(params) as Array<Record<string, number> & { segment: string; variant: string; users: number }>;
    const insert = client.prepare(`INSERT INTO report_segment_sums (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const r of rows) {
      insert.run(experimentId, attribute, USERS_METRIC_ID, r.segment, r.variant, r.users, 0, 0, 0, 0, 0);
      metrics.forEach((metric, i) => {
        if (r[`n${i}`] > 0) insert.run(experimentId, attribute, metric.metricId, r.segment, r.variant, r[`n${i}`], r[`s${i}`], r[`q${i}`], r[`d${i}`], r[`dd${i}`], r[`x${i}`]);
      });
    }
  } finally {
    client.exec('DROP TABLE IF EXISTS temp.report_segments');
  }
}

const zeroSums = (): MetricSums => ({ sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 });

/**
 * Per (segment, variant) aggregates, the segment being an exposure attribute (bound as a
 * JSON path, never spliced into the SQL); missing values are '(none)'. From the kept sums
 * (computed on the first split), a winsorized metric's excess over its cap subtracted, and
 * conflicted users from the partial index. Ordered by segment then variant.
 * @example storeSegmentAggregates(client, 7, metrics, caps, 'channel')
 */
export function storeSegmentAggregates(
  client: Database.Database, experimentId: number, metrics: SpecWithId[], caps: Array<number | null>, attribute: string
): GroupAggregate[] {
  const kept = client.prepare(`SELECT 1 FROM report_segment_sums WHERE experiment_id = ? AND attribute = ? AND metric_id = ${USERS_METRIC_ID} LIMIT 1`)
    .get(experimentId, attribute);
  if (!kept) computeSegmentSums(client, experimentId, metrics, attribute);
  const path = pathOf(attribute);
  const key = (segment: string, variant: string) => `${segment}\u0000${variant}`;
  const users = client.prepare(
    `SELECT segment, variant_key AS variant, rows AS users FROM report_segment_sums
     WHERE experiment_id = ? AND attribute = ? AND metric_id = ${USERS_METRIC_ID} AND rows <> 0 ORDER BY segment, variant_key`
  ).all(experimentId, attribute) as Array<{ segment: string; variant: string; users: number }>;
  const conflicted = new Map((client.prepare(
    `SELECT ${segmentOf('x')} AS segment, x.variant_key AS variant, COUNT(*) AS n FROM exposures x INDEXED BY exposures_conflicted
     WHERE x.experiment_id = :experimentId AND x.conflict_count > 0 GROUP BY segment, variant`
  ).all({ experimentId, path }) as Array<{ segment: string; variant: string; n: number }>).map((r) => [key(r.segment, r.variant), r.n]));
  const perMetric = metrics.map((metric, i) => {
    const rows = client.prepare(
      `SELECT segment, variant_key AS variant, sum, sum_squares AS sumSquares, sum_denominator AS sumDenominator,
         sum_denominator_squares AS sumDenominatorSquares, sum_cross_products AS sumCrossProducts
       FROM report_segment_sums WHERE experiment_id = ? AND attribute = ? AND metric_id = ?`
    ).all(experimentId, attribute, metric.metricId) as Array<MetricSums & { segment: string; variant: string }>;
    const sums = new Map(rows.map(({ segment, variant, ...s }) => [key(segment, variant),
      metric.kind === 'ratio' || metric.kind === 'time_to_event' ? s : { ...s, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }]));
    const cap = caps[i] ?? null;
    if (cap !== null) {
      const excess = client.prepare(
        `SELECT ${segmentOf('x')} AS segment, r.variant_key AS variant, TOTAL(r.value - :cap) AS over, TOTAL(r.value * r.value - :cap * :cap) AS overSquares
         FROM report_user_values r INDEXED BY report_user_values_capped CROSS JOIN exposures x ON x.experiment_id = r.experiment_id AND x.user_id = r.user_id
         WHERE r.experiment_id = :experimentId AND r.metric_id = :metricId AND r.winsorized = 1 AND r.value > :cap GROUP BY segment, r.variant_key`
      ).all({ experimentId, metricId: metric.metricId, cap, path }) as Array<{ segment: string; variant: string; over: number; overSquares: number }>;
      for (const e of excess) {
        const s = sums.get(key(e.segment, e.variant));
        if (s) { s.sum -= e.over; s.sumSquares -= e.overSquares; }
      }
    }
    return sums;
  });
  return users.map((u) => ({
    variant: u.variant, day: null, segment: u.segment === NONE ? '(none)' : u.segment, users: u.users,
    conflicted: conflicted.get(key(u.segment, u.variant)) ?? 0,
    metrics: perMetric.map((m) => m.get(key(u.segment, u.variant)) ?? zeroSums())
  }));
}
