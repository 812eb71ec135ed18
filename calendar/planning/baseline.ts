import { sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';

export type MeasuredBaseline = { rate: number; users: number; experiments: number };

/** Fewer control users than this and a measured rate is too noisy to plan with. */
export const MIN_MEASURED_USERS = 100;

/**
 * The metric's rate in the control arms of earlier experiments that used it (stopped,
 * concluded or promoted): control users who fired the metric's event at or after their
 * first exposure, over all control users. Aggregated in SQL. Null with too little data.
 * @example measuredBaseline(db, metricId, { excludeExperimentId: 7 }) // { rate: 0.118, users: 5120, experiments: 2 }
 */
export function measuredBaseline(db: Db, metricId: number, options: { excludeExperimentId?: number } = {}): MeasuredBaseline | null {
  const row = db.get<{ users: number; converted: number | null; experiments: number }>(sql`
    select count(*) as users, count(distinct x.experiment_id) as experiments,
      sum(exists (select 1 from events ev where ev.event_name = m.event_name and ev.user_id = x.user_id
                  and ev.timestamp_ms >= x.first_exposed_at_ms)) as converted
    from exposures x
    join experiments e on e.id = x.experiment_id and e.status in ('stopped', 'concluded', 'promoted')
    join experiment_metrics em on em.experiment_id = e.id and em.metric_id = ${metricId}
    join metrics m on m.id = em.metric_id
    join variants v on v.experiment_id = e.id and v.key = x.variant_key and v.is_control = 1
    where e.id != ${options.excludeExperimentId ?? -1}`);
  if (!row || row.users < MIN_MEASURED_USERS) return null;
  return { rate: (row.converted ?? 0) / row.users, users: row.users, experiments: row.experiments };
}
