/**
 * The program impact report's SQL on PostgreSQL (PlanStore.impactStats, exposureCounts): the
 * same per-user values as db/sqlite/plan-impact.ts (booleans as 0/1, `least` for SQLite's
 * scalar `min`), summed per group (holdout, rest) in one statement.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { PgExecutor } from './experiments.ts';
import type { GroupStats, ImpactMetricSpec } from '../store/index.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** A time to event without its own window is restricted to 14 days, as on SQLite. */
const DEFAULT_RESTRICTION_DAYS = 14;

type PerUser = { included: SQL; value: SQL; denominator: SQL };

/** `from events ev where …` for the user `pe`'s events of `names` in [from, to). */
function eventsOf(names: string[], from: SQL, to: SQL): SQL {
  return sql`from events ev where ev.user_id = pe.user_id and ev.event_name in (${sql.join(names.map((n) => sql`${n}`), sql`, `)})
    and ev.timestamp_ms >= ${from} and ev.timestamp_ms < ${to}`;
}

const flag = (condition: SQL) => sql`(case when ${condition} then 1 else 0 end)`;

/** The per-user value of each kind (see PlanStore.impactStats). */
function perUser(metric: ImpactMetricSpec, untilMs: number): PerUser {
  const first = sql`pe.first_exposed_at_ms`;
  const until = sql`${untilMs}::bigint`;
  const all = eventsOf([metric.eventName], first, until);
  const always = sql`1`;
  const zero = sql`0`;
  switch (metric.kind) {
    case 'binomial': return { included: always, value: flag(sql`exists (select 1 ${all})`), denominator: zero };
    case 'count': return { included: always, value: sql`(select count(*) ${all})`, denominator: zero };
    case 'sum': return { included: always, value: sql`(select coalesce(sum(ev.value), 0) ${all})`, denominator: zero };
    case 'ratio': {
      const den = eventsOf([metric.denominatorEventName ?? metric.eventName], first, until);
      return {
        included: always, value: sql`(select coalesce(sum(coalesce(ev.value, 1)), 0) ${all})`,
        denominator: metric.denominatorAggregate === 'count' ? sql`(select count(*) ${den})` : sql`(select coalesce(sum(coalesce(ev.value, 1)), 0) ${den})`
      };
    }
    case 'threshold': {
      const to = metric.windowDays ? sql`least(${first} + ${Math.round(metric.windowDays * DAY_MS)}::bigint, ${until})` : until;
      return { included: always, value: flag(sql`(select count(*) ${eventsOf([metric.eventName], first, to)}) >= ${Math.max(1, Math.trunc(metric.minCount ?? 1))}`), denominator: zero };
    }
    case 'retention': {
      const names = [...new Set([metric.eventName, ...(metric.extraEventNames ?? [])])];
      const endMs = Math.round((metric.windowDays ?? 0) * DAY_MS);
      const window = eventsOf(names, sql`${first} + ${Math.round((metric.windowStartDays ?? 0) * DAY_MS)}::bigint`, sql`${first} + ${endMs}::bigint`);
      return { included: flag(sql`${first} + ${endMs}::bigint <= ${until}`), value: flag(sql`exists (select 1 ${window})`), denominator: zero };
    }
    case 'time_to_event': {
      const tauMs = Math.round((metric.windowDays ?? DEFAULT_RESTRICTION_DAYS) * DAY_MS);
      const window = eventsOf([metric.eventName], first, sql`${first} + ${tauMs}::bigint`);
      return {
        included: flag(sql`${first} + ${tauMs}::bigint <= ${until}`),
        value: sql`coalesce((select (min(ev.timestamp_ms) - ${first})::float8 / ${HOUR_MS} ${window}), 0)`,
        denominator: flag(sql`exists (select 1 ${window})`)
      };
    }
  }
}

/** PlanStore.impactStats on PostgreSQL. */
export async function postgresImpactStats(db: PgExecutor, planId: number, metric: ImpactMetricSpec, untilMs: number): Promise<{ holdout: GroupStats; rest: GroupStats }> {
  const { included, value, denominator } = perUser(metric, untilMs);
  const result = await db.execute<Record<string, string | number | boolean | null>>(sql`
    select holdout, sum(inc)::float8 as users, (count(*) - sum(inc))::float8 as waiting, sum(y)::float8 as sum, sum(y * y)::float8 as "sumSquares",
      sum(d)::float8 as "sumDenominator", sum(d * d)::float8 as "sumDenominatorSquares", sum(y * d)::float8 as "sumCrossProducts"
    from (select holdout, inc, case when inc = 1 then v else 0 end as y, case when inc = 1 then dv else 0 end as d
          from (select pe.holdout as holdout, ${included} as inc, (${value})::float8 as v, (${denominator})::float8 as dv from plan_exposures pe
                where pe.plan_id = ${planId} and pe.first_exposed_at_ms < ${untilMs}::bigint) per_user) valued group by holdout`);
  const group = (held: boolean): GroupStats => {
    const row = result.rows.find((r) => r.holdout === held) ?? {};
    const n = (k: string) => Number(row[k] ?? 0);
    return { users: n('users'), sum: n('sum'), sumSquares: n('sumSquares'), sumDenominator: n('sumDenominator'),
      sumDenominatorSquares: n('sumDenominatorSquares'), sumCrossProducts: n('sumCrossProducts'), waiting: n('waiting') };
  };
  return { holdout: group(true), rest: group(false) };
}

/** PlanStore.exposureCounts on PostgreSQL. */
export async function postgresExposureCounts(db: PgExecutor, planId: number, fromMs: number, untilMs: number): Promise<{ users: number; firstExposedAtMs: number | null }> {
  const result = await db.execute<{ users: string | number | null; first: string | number | null }>(sql`
    select (select count(*) from plan_exposures where plan_id = ${planId} and first_exposed_at_ms >= ${fromMs}::bigint and first_exposed_at_ms < ${untilMs}::bigint) as users,
      (select min(first_exposed_at_ms) from plan_exposures where plan_id = ${planId}) as first`);
  const row = result.rows[0];
  return { users: Number(row?.users ?? 0), firstExposedAtMs: row?.first === null || row?.first === undefined ? null : Number(row.first) };
}
