/**
 * The program impact report's SQL on SQLite (PlanStore.impactStats, exposureCounts): each user of
 * plan_exposures gets the metric's per-user value from their first plan exposure, as the report
 * store defines it per kind (db/sqlite/queries/store-values.ts), then the values are summed per
 * group (holdout, rest). One statement; no user or event row comes into JavaScript.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './connection.ts';
import type { GroupStats, ImpactMetricSpec } from '../store/index.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** A time to event without its own window is restricted to 14 days (the template's test length). */
export const DEFAULT_RESTRICTION_DAYS = 14;

type PerUser = { included: SQL; value: SQL; denominator: SQL };

/** `from events ev where …` for the user `pe`'s events of `names` in [from, to). */
function eventsOf(names: string[], from: SQL, to: SQL): SQL {
  return sql`from events ev where ev.user_id = pe.user_id and ev.event_name in (${sql.join(names.map((n) => sql`${n}`), sql`, `)})
    and ev.timestamp_ms >= ${from} and ev.timestamp_ms < ${to}`;
}

/** The per-user value of each kind (see PlanStore.impactStats). */
function perUser(metric: ImpactMetricSpec, untilMs: number): PerUser {
  const first = sql`pe.first_exposed_at_ms`;
  const until = sql`${untilMs}`;
  const all = eventsOf([metric.eventName], first, until);
  const always = sql`1`;
  const zero = sql`0`;
  switch (metric.kind) {
    case 'binomial': return { included: always, value: sql`exists (select 1 ${all})`, denominator: zero };
    case 'count': return { included: always, value: sql`(select count(*) ${all})`, denominator: zero };
    case 'sum': return { included: always, value: sql`(select coalesce(sum(ev.value), 0) ${all})`, denominator: zero };
    case 'ratio': {
      const den = eventsOf([metric.denominatorEventName ?? metric.eventName], first, until);
      // As the report store: a ratio side counts an event without a value as 1; a 'count' denominator counts events.
      return {
        included: always, value: sql`(select coalesce(sum(coalesce(ev.value, 1)), 0) ${all})`,
        denominator: metric.denominatorAggregate === 'count' ? sql`(select count(*) ${den})` : sql`(select coalesce(sum(coalesce(ev.value, 1)), 0) ${den})`
      };
    }
    case 'threshold': {
      const to = metric.windowDays ? sql`min(${first} + ${Math.round(metric.windowDays * DAY_MS)}, ${until})` : until;
      return { included: always, value: sql`((select count(*) ${eventsOf([metric.eventName], first, to)}) >= ${Math.max(1, Math.trunc(metric.minCount ?? 1))})`, denominator: zero };
    }
    case 'retention': {
      const names = [...new Set([metric.eventName, ...(metric.extraEventNames ?? [])])];
      const endMs = Math.round((metric.windowDays ?? 0) * DAY_MS);
      const window = eventsOf(names, sql`${first} + ${Math.round((metric.windowStartDays ?? 0) * DAY_MS)}`, sql`${first} + ${endMs}`);
      return { included: sql`(${first} + ${endMs} <= ${until})`, value: sql`exists (select 1 ${window})`, denominator: zero };
    }
    case 'time_to_event': {
      const tauMs = Math.round((metric.windowDays ?? DEFAULT_RESTRICTION_DAYS) * DAY_MS);
      const window = eventsOf([metric.eventName], first, sql`${first} + ${tauMs}`);
      return {
        included: sql`(${first} + ${tauMs} <= ${until})`,
        value: sql`coalesce((select (min(ev.timestamp_ms) - ${first}) / ${sql.raw(`${HOUR_MS}.0`)} ${window}), 0)`,
        denominator: sql`exists (select 1 ${window})`
      };
    }
  }
}

/** PlanStore.impactStats on SQLite. */
export function sqliteImpactStats(db: Db, planId: number, metric: ImpactMetricSpec, untilMs: number): { holdout: GroupStats; rest: GroupStats } {
  const { included, value, denominator } = perUser(metric, untilMs);
  const rows = db.all<Record<string, number | null>>(sql`
    select holdout, sum(inc) as users, count(*) - sum(inc) as waiting, sum(y) as sum, sum(y * y) as sumSquares,
      sum(d) as sumDenominator, sum(d * d) as sumDenominatorSquares, sum(y * d) as sumCrossProducts
    from (select holdout, inc, case when inc then v else 0 end as y, case when inc then dv else 0 end as d
          from (select pe.holdout as holdout, ${included} as inc, ${value} as v, ${denominator} as dv from plan_exposures pe
                where pe.plan_id = ${planId} and pe.first_exposed_at_ms < ${untilMs})) group by holdout`);
  const group = (held: boolean): GroupStats => {
    const row = rows.find((r) => (r.holdout === 1) === held) ?? {};
    const n = (k: string) => Number(row[k] ?? 0);
    return { users: n('users'), sum: n('sum'), sumSquares: n('sumSquares'), sumDenominator: n('sumDenominator'),
      sumDenominatorSquares: n('sumDenominatorSquares'), sumCrossProducts: n('sumCrossProducts'), waiting: n('waiting') };
  };
  return { holdout: group(true), rest: group(false) };
}

/** PlanStore.exposureCounts on SQLite. */
export function sqliteExposureCounts(db: Db, planId: number, fromMs: number, untilMs: number): { users: number; firstExposedAtMs: number | null } {
  const row = db.get<{ users: number | null; first: number | null }>(sql`
    select (select count(*) from plan_exposures where plan_id = ${planId} and first_exposed_at_ms >= ${fromMs} and first_exposed_at_ms < ${untilMs}) as users,
      (select min(first_exposed_at_ms) from plan_exposures where plan_id = ${planId}) as first`);
  return { users: Number(row?.users ?? 0), firstExposedAtMs: row?.first ?? null };
}
