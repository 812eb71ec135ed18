import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experimentMetrics, experiments, metrics, successCriteria, variants } from '../../db/schema.ts';
import { endDateOf } from '../experiments/index.ts';
import { NotFoundError } from '../errors.ts';

export type ExperimentRow = typeof experiments.$inferSelect;
export type MetricRow = typeof metrics.$inferSelect & { role: 'primary' | 'secondary' | 'guardrail' };
export type CriterionRow = typeof successCriteria.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;

/** Everything the report needs about an experiment's design, read in a few small queries. */
export type ReportDesign = {
  experiment: ExperimentRow & { endDate: string | null };
  variants: VariantRow[];
  control: VariantRow;
  metrics: MetricRow[];
  criteria: CriterionRow[];
};

const roleOrder = { primary: 0, secondary: 1, guardrail: 2 } as const;

/** Loads the design of experiment `key`; throws NotFoundError. */
export function loadReportDesign(db: Db, key: string): ReportDesign {
  const experiment = db.select().from(experiments).where(eq(experiments.key, key)).get();
  if (!experiment) throw new NotFoundError('experiment', key);
  const variantRows = db.select().from(variants).where(eq(variants.experimentId, experiment.id))
    .orderBy(asc(variants.position)).all();
  const metricRows = db.select({ metric: metrics, role: experimentMetrics.role }).from(experimentMetrics)
    .innerJoin(metrics, eq(metrics.id, experimentMetrics.metricId))
    .where(eq(experimentMetrics.experimentId, experiment.id)).all()
    .map((r) => ({ ...r.metric, role: r.role }))
    .sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.key.localeCompare(b.key));
  const criteria = db.select().from(successCriteria).where(eq(successCriteria.experimentId, experiment.id))
    .orderBy(asc(successCriteria.id)).all();
  const control = variantRows.find((v) => v.isControl) ?? variantRows[0];
  return { experiment: { ...experiment, endDate: endDateOf(experiment) }, variants: variantRows, control, metrics: metricRows, criteria };
}
