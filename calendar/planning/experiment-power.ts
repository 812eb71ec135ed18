import type { Data } from '../../db/store/index.ts';
import type { SuccessCriterion } from '../model.ts';
import { measuredBaseline } from './baseline.ts';
import { dailyUsersFor, guardrailPowerCheck, powerCheck, type GuardrailPowerCheck, type PowerCheck } from './power.ts';

export { dailyUsersFor };

export type BaselineSource = 'experiment' | 'metric' | 'measured' | 'none';

/** A metric as the planner sees it: its baseline and where that figure comes from. */
export type PlanningMetric = {
  id: number; key: string; name: string; kind: string;
  baseline: number | null; baselineSource: Exclude<BaselineSource, 'experiment'>;
};

export type ExperimentPower = PowerCheck & {
  metricKey: string | null; baseline: number | null; baselineSource: BaselineSource;
  mde: number | null; alpha: number; dailyUsers: number | null; trafficSource: string | null;
  /** One check per guardrail criterion with a margin on a rate metric. */
  guardrails: GuardrailPowerCheck[];
};

/**
 * The share of the eligible users an experiment gets: its coverage times its exclusive layer
 * slice (the whole layer without one), times the users its plan does not hold out (a program
 * holdout's users never enter the plan's experiments). Every power check and "days needed" uses it.
 * @example trafficShareOf({ coverage: 0.8, layerId: 3, layerStart: 0, layerEnd: 0.5 }) // 0.4
 * @example trafficShareOf({ coverage: 1, layerId: null, layerStart: null, layerEnd: null }, 0.05) // 0.95
 */
export function trafficShareOf(
  e: { coverage: number; layerId: number | null; layerStart: number | null; layerEnd: number | null },
  holdoutShare = 0
): number {
  return e.coverage * (e.layerId === null ? 1 : (e.layerEnd ?? 1) - (e.layerStart ?? 0)) * (1 - holdoutShare);
}

/** Every metric with its planning baseline: entered on the metric, else measured from earlier experiments. */
export async function planningMetrics(data: Data): Promise<PlanningMetric[]> {
  const byName = (await data.metrics.list()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const result: PlanningMetric[] = [];
  for (const m of byName) {
    if (m.baseline !== null) { result.push({ id: m.id, key: m.key, name: m.name, kind: m.kind, baseline: m.baseline, baselineSource: 'metric' }); continue; }
    const measured = m.kind === 'binomial' ? await measuredBaseline(data, m.id) : null;
    result.push({ id: m.id, key: m.key, name: m.name, kind: m.kind, baseline: measured?.rate ?? null, baselineSource: measured ? 'measured' : 'none' });
  }
  return result;
}

/**
 * The power check of one stored experiment: baseline of its primary metric (the experiment's
 * own figure, else the metric's, else measured), MDE and alpha from its lift criterion on that
 * metric (else its planned MDE, alpha 0.05), power 0.8, daily users from its plan.
 * @example (await experimentPower(data, 3)).message // 'needs 48 days at 800 users/day to detect +10% on a 8% baseline; planned 14'
 */
export async function experimentPower(data: Data, experimentId: number): Promise<ExperimentPower> {
  const e = (await data.experiments.byId(experimentId))!;
  const plan = e.planId === null ? null : await data.plans.byId(e.planId);
  // Metric links come by role, then metric key: the first primary one has the smallest key.
  const primary = (await data.experiments.metricLinks(e.id)).find((l) => l.role === 'primary')?.metric;
  const criteria = await data.experiments.criteria(e.id);
  const lift = primary ? criteria.find((c) => c.kind === 'lift' && c.metricKey === primary.key) : undefined;
  const weights = (await data.experiments.variants(e.id)).map((v) => v.weight);

  let baseline: number | null = null;
  let baselineSource: BaselineSource = 'none';
  if (e.baselineRate !== null) { baseline = e.baselineRate; baselineSource = 'experiment'; }
  else if (primary?.baseline !== null && primary?.baseline !== undefined) { baseline = primary.baseline; baselineSource = 'metric'; }
  else if (primary) {
    const measured = await measuredBaseline(data, primary.id, { excludeExperimentId: e.id });
    if (measured) { baseline = measured.rate; baselineSource = 'measured'; }
  }
  const mde = lift?.minRelativeLift && lift.minRelativeLift > 0 ? lift.minRelativeLift : e.plannedMde;
  const alpha = lift?.maxPValue ?? 0.05;
  const traffic = dailyUsersFor(plan?.dailyTraffic ?? {}, e.channels, e.audience);
  // An exclusive layer's slice takes only its share of the eligible users, as coverage and the plan's holdout do.
  const coverage = trafficShareOf(e, plan?.holdoutShare ?? 0);
  const guardrails = await guardrailChecks(data, e.id, criteria, { dailyUsers: traffic.dailyUsers, weights, coverage, plannedDays: e.durationDays });
  const base = { metricKey: primary?.key ?? null, baseline, baselineSource, mde, alpha, dailyUsers: traffic.dailyUsers, trafficSource: traffic.source, guardrails };
  if (!primary) return { ...base, status: 'unknown', perArm: null, totalUsers: null, daysNeeded: null, plannedDays: e.durationDays, message: 'no primary metric: choose one to check the duration' };
  if (primary.kind !== 'binomial' && baselineSource !== 'experiment') {
    return { ...base, status: 'unknown', perArm: null, totalUsers: null, daysNeeded: null, plannedDays: e.durationDays, message: `the power check covers rate metrics; ${primary.key} is a ${primary.kind} metric` };
  }
  return { ...base, ...powerCheck({ baseline, mde, alpha, dailyUsers: traffic.dailyUsers, weights, coverage, plannedDays: e.durationDays }) };
}

/** The guardrail criteria with a margin whose metric is a rate, each with its power check (baseline: the metric's, else measured). */
async function guardrailChecks(
  data: Data, experimentId: number, criteria: SuccessCriterion[],
  traffic: { dailyUsers: number | null; weights: number[]; coverage: number; plannedDays: number }
): Promise<GuardrailPowerCheck[]> {
  const checks: GuardrailPowerCheck[] = [];
  for (const { metricKey, maxRelativeDegradation: loss } of criteria.filter((c) => c.kind === 'guardrail')) {
    if (!metricKey || loss === null) continue;
    const metric = await data.metrics.byKey(metricKey);
    if (!metric || metric.kind !== 'binomial') continue;
    const baseline = metric.baseline ?? (await measuredBaseline(data, metric.id, { excludeExperimentId: experimentId }))?.rate ?? null;
    checks.push(guardrailPowerCheck({ metricKey, baseline, maxRelativeDegradation: loss, ...traffic }));
  }
  return checks;
}
