import type { Data } from '../../db/store/index.ts';

export type MeasuredBaseline = { rate: number; users: number; experiments: number };

/** Fewer control users than this and a measured rate is too noisy to plan with. */
export const MIN_MEASURED_USERS = 100;

/**
 * The metric's rate in the control arms of earlier experiments that used it (stopped,
 * concluded or promoted): control users who fired the metric's event at or after their
 * first exposure, over all control users. Aggregated by the database. Null with too little data.
 * @example await measuredBaseline(data, metricId, { excludeExperimentId: 7 }) // { rate: 0.118, users: 5120, experiments: 2 }
 */
export async function measuredBaseline(data: Data, metricId: number, options: { excludeExperimentId?: number } = {}): Promise<MeasuredBaseline | null> {
  const row = await data.metrics.measuredControlRate(metricId, options.excludeExperimentId ?? null);
  if (row.users < MIN_MEASURED_USERS) return null;
  return { rate: row.converted / row.users, users: row.users, experiments: row.experiments };
}
