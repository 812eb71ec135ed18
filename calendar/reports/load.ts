import type { Amendment, Experiment, Metric, MetricRole, SuccessCriterion, Variant } from '../model.ts';
import type { Data } from '../../db/store/index.ts';
import { endDateOf } from '../experiments/index.ts';
import { NotFoundError } from '../errors.ts';

export type ExperimentRow = Experiment;
export type MetricRow = Metric & { role: MetricRole };
export type CriterionRow = SuccessCriterion;
export type VariantRow = Variant;

/** Everything the report needs about an experiment's design, read in a few small queries. */
export type ReportDesign = {
  experiment: ExperimentRow & { endDate: string | null };
  variants: VariantRow[];
  control: VariantRow;
  metrics: MetricRow[];
  /** The criteria in force now (amended or not). */
  criteria: CriterionRow[];
  amendments: Amendment[];
};

/**
 * Loads the design of experiment `key`; throws NotFoundError. Metrics come by role (primary,
 * secondary, guardrail) then key, variants by position.
 * @example (await loadReportDesign(data, 'w01-onboarding-ebook-reminder')).control.key // 'control'
 */
export async function loadReportDesign(data: Data, key: string): Promise<ReportDesign> {
  const experiment = await data.experiments.byKey(key);
  if (!experiment) throw new NotFoundError('experiment', key);
  const [variantRows, links, criteria, amendments] = await Promise.all([
    data.experiments.variants(experiment.id), data.experiments.metricLinks(experiment.id), data.experiments.criteria(experiment.id),
    experiment.registration ? data.experiments.amendments(experiment.id) : Promise.resolve([])
  ]);
  const metricRows = links.map((l) => ({ ...l.metric, role: l.role }));
  const control = variantRows.find((v) => v.isControl) ?? variantRows[0];
  return { experiment: { ...experiment, endDate: endDateOf(experiment) }, variants: variantRows, control, metrics: metricRows, criteria, amendments };
}
