/**
 * The report store's per-user values from scratch (a cold build, an edited metric). Every
 * metric driven by its events reads them in one pass per (event name, window): the events of
 * one name are read once, whichever metrics use them (a count and a ratio's denominator on the
 * same event share the pass), each user's aggregates of every such metric computed at once into
 * an in-memory temp table, then each metric's rows copied from it in user order. Measured at 1M
 * users (bench/report-profile.ts): joining an event to its user's exposure costs ~0.4 µs of CPU,
 * so reading a name twice cost as much as writing its users' rows.
 * Each aggregate is the expression `valueColumns` gives the incremental path, over the same
 * events in the same (index) order, so the values stay bit-identical to a refresh's.
 */
import type Database from 'better-sqlite3';
import {
  createExposedCopy, deleteMetric, dropExposedCopy, EXPERIMENT_START_MS, insertValues, isWinsorized, sumsFromScratch, valueColumns,
  windowStartCondition, type Bounds, type StoreMetric
} from './store-values.ts';

const DAY_MS = 86_400_000;

/** How a rebuild reads the events: chosen per metric ('auto'), or forced (tests compare both). */
export type RebuildPath = 'auto' | 'events' | 'exposures';

/** One read of an event name's index range in one window, and the aggregates computed on it (columns c0, c1, ...). */
type Pass = { table: string; name: string; windowMs: number; startCondition: string; aggregates: string[] };
type Column = { pass: Pass; column: string };
type Plan =
  | { metric: StoreMetric; by: 'exposures' }
  | { metric: StoreMetric; by: 'events'; value: Column; denominator: Column | string };

/** A ratio side sums the event's values, an event without a value counting 1 (as `valueColumns`). */
const SIDE_SUM = 'COALESCE(SUM(COALESCE(e.value, 1)), 0)';

/**
 * Which metrics go by their events. A metric is driven by its events when there are fewer of
 * them than ~2 per exposed user and event name (rare events cost their own count, not one
 * lookup per user), else by the exposures (an experiment small against the events table).
 * Counting stops at that limit, and is skipped when the whole events table is below it.
 */
function byEvents(client: Database.Database, metrics: StoreMetric[], bounds: Bounds, exposedUsers: number, path: RebuildPath): boolean[] {
  const counted = new Map<string, number>();
  return metrics.map((metric) => {
    const names = [...new Set(valueColumns(metric).names)];
    // The events path reads one event name per side: a retention metric on several names goes by the exposures.
    if (!(metric.kind === 'ratio' || names.length === 1) || path === 'exposures') return false;
    if (path === 'events') return true;
    const limit = 2 * exposedUsers * names.length;
    if (bounds.lastEventId <= limit) return true;
    const key = JSON.stringify(names);
    if (!counted.has(key)) {
      counted.set(key, (client.prepare(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM events INDEXED BY events_name_user_time_value WHERE event_name IN (SELECT value FROM json_each(?)) LIMIT ?)`
      ).get(key, limit + 1) as { n: number }).n);
    }
    return counted.get(key)! <= limit;
  });
}

/** The plans of the metrics, registering each events-driven aggregate in its pass. */
function planMetrics(metrics: StoreMetric[], viaEvents: boolean[]): { plans: Plan[]; passes: Pass[] } {
  const passes = new Map<string, Pass>();
  const column = (name: string, windowMs: number, startCondition: string, aggregate: string): Column => {
    const key = JSON.stringify([name, windowMs, startCondition]);
    let pass = passes.get(key);
    if (!pass) passes.set(key, (pass = { table: `temp.report_pass_${passes.size}`, name, windowMs, startCondition, aggregates: [] }));
    if (!pass.aggregates.includes(aggregate)) pass.aggregates.push(aggregate);
    return { pass, column: `c${pass.aggregates.indexOf(aggregate)}` };
  };
  const plans = metrics.map((metric, i): Plan => {
    if (!viaEvents[i]) return { metric, by: 'exposures' };
    const windowMs = Math.round(metric.windowDays * DAY_MS);
    if (metric.kind !== 'ratio') {
      const { value, denominator } = valueColumns(metric, 'x.first_ms');
      return { metric, by: 'events', value: column(metric.eventName, windowMs, windowStartCondition(metric, 'x.first_ms'), value), denominator };
    }
    const den = metric.denominatorEventName;
    if (!den) throw new Error(`ratio metric '${metric.key}' has no denominator event`);
    return {
      metric, by: 'events', value: column(metric.eventName, windowMs, '', SIDE_SUM),
      denominator: column(den, windowMs, '', metric.denominatorAggregate === 'count' ? 'COUNT(*)' : SIDE_SUM)
    };
  });
  return { plans, passes: [...passes.values()] };
}

/**
 * One pass: the events of one name in index order (event_name, user_id, timestamp_ms), each
 * user's exposure looked up in `temp.report_exposed`, every aggregate of the pass per user.
 * Untyped columns keep each aggregate's value as computed (no affinity conversion).
 */
function runPass(client: Database.Database, experimentId: number, pass: Pass, bounds: Bounds): void {
  const columns = pass.aggregates.map((_, i) => `c${i}`);
  client.exec(`CREATE TEMP TABLE ${pass.table.slice('temp.'.length)} (user_id TEXT PRIMARY KEY, variant_key TEXT NOT NULL, day INTEGER NOT NULL, ${columns.join(', ')}) WITHOUT ROWID`);
  client.prepare(
    `INSERT INTO ${pass.table} SELECT e.user_id, x.variant_key, x.day, ${pass.aggregates.map((a, i) => `${a} AS c${i}`).join(', ')}
     FROM events e INDEXED BY events_name_user_time_value CROSS JOIN temp.report_exposed x
     WHERE e.event_name = :name AND x.user_id = e.user_id
       AND e.timestamp_ms >= x.first_ms AND e.timestamp_ms < x.first_ms + :windowMs ${pass.startCondition} AND e.timestamp_ms >= ${EXPERIMENT_START_MS}
       AND e.id <= :lastEventId
     GROUP BY e.user_id`
  ).run({ experimentId, name: pass.name, windowMs: pass.windowMs, lastEventId: bounds.lastEventId });
}

/** A metric's non-zero rows from its passes' tables: one table read in user order, or a ratio's two sides joined. */
function insertFromPasses(client: Database.Database, experimentId: number, plan: Extract<Plan, { by: 'events' }>): void {
  const params = { experimentId, metricId: plan.metric.metricId, winsorized: isWinsorized(plan.metric) ? 1 : 0 };
  const insert = 'INSERT INTO report_user_values (experiment_id, metric_id, user_id, variant_key, day, value, denominator, winsorized)';
  const { value, denominator } = plan;
  if (typeof denominator === 'string' || denominator.pass === value.pass) {
    const d = typeof denominator === 'string' ? denominator : denominator.column;
    client.prepare(`${insert} SELECT :experimentId, :metricId, user_id, variant_key, day, v, d, :winsorized
      FROM (SELECT user_id, variant_key, day, ${value.column} AS v, ${d} AS d FROM ${value.pass.table}) WHERE v <> 0 OR d <> 0`).run(params);
    return;
  }
  // A ratio's sides on two event names: users with either side.
  client.prepare(`${insert} SELECT :experimentId, :metricId, COALESCE(n.user_id, d.user_id), COALESCE(n.variant_key, d.variant_key),
      COALESCE(n.day, d.day), COALESCE(n.${value.column}, 0) AS nv, COALESCE(d.${denominator.column}, 0) AS dv, :winsorized
    FROM ${denominator.pass.table} d FULL JOIN ${value.pass.table} n ON n.user_id = d.user_id WHERE nv <> 0 OR dv <> 0`).run(params);
}

/**
 * Metrics from scratch: the events passes first, then each metric's rows and running sums.
 * `step` runs each piece of work: in the caller's transaction (default), or each in a short
 * transaction of its own (a chunked rebuild). The events path looks exposures up in a temp copy
 * keyed by user (one in-memory b-tree descent), made here unless the caller made it.
 * @example rebuildMetrics(client, 7, metrics, bounds, 1_000_000)
 */
export function rebuildMetrics(
  client: Database.Database, experimentId: number, metrics: StoreMetric[], bounds: Bounds, exposedUsers: number, path: RebuildPath = 'auto',
  step: (work: () => void) => void = (work) => work()
): void {
  const { plans, passes } = planMetrics(metrics, byEvents(client, metrics, bounds, exposedUsers, path));
  let made = false;
  try {
    if (passes.length > 0) step(() => { made = createExposedCopy(client, experimentId, bounds); });
    for (const pass of passes) step(() => runPass(client, experimentId, pass, bounds));
    for (const plan of plans) {
      step(() => {
        deleteMetric(client, experimentId, plan.metric.metricId);
        if (plan.by === 'events') insertFromPasses(client, experimentId, plan);
        else insertValues(client, experimentId, plan.metric, 'exposures x INDEXED BY exposures_experiment_user', bounds);
        sumsFromScratch(client, experimentId, plan.metric.metricId);
      });
    }
  } finally {
    for (const pass of passes) client.exec(`DROP TABLE IF EXISTS ${pass.table}`);
    if (made) dropExposedCopy(client);
  }
}
