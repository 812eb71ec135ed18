import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experimentMetrics, experiments, metrics, plans, successCriteria, variants } from '../../db/schema.ts';
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

/** Every metric with its planning baseline: entered on the metric, else measured from earlier experiments. */
export function planningMetrics(db: Db): PlanningMetric[] {
  return db.select().from(metrics).orderBy(asc(metrics.name)).all().map((m) => {
    if (m.baseline !== null) return { id: m.id, key: m.key, name: m.name, kind: m.kind, baseline: m.baseline, baselineSource: 'metric' as const };
    const measured = m.kind === 'binomial' ? measuredBaseline(db, m.id) : null;
    return { id: m.id, key: m.key, name: m.name, kind: m.kind, baseline: measured?.rate ?? null, baselineSource: measured ? 'measured' as const : 'none' as const };
  });
}

/**
 * The power check of one stored experiment: baseline of its primary metric (the experiment's
 * own figure, else the metric's, else measured), MDE and alpha from its lift criterion on that
 * metric (else its planned MDE, alpha 0.05), power 0.8, daily users from its plan.
 * @example experimentPower(db, 3).message // 'needs 48 days at 800 users/day to detect +10% on a 8% baseline; planned 14'
 */
export function experimentPower(db: Db, experimentId: number): ExperimentPower {
  const e = db.select().from(experiments).where(eq(experiments.id, experimentId)).get()!;
  const plan = e.planId === null ? null : db.select().from(plans).where(eq(plans.id, e.planId)).get() ?? null;
  const primary = db.select({ id: metrics.id, key: metrics.key, kind: metrics.kind, baseline: metrics.baseline })
    .from(experimentMetrics).innerJoin(metrics, eq(metrics.id, experimentMetrics.metricId))
    .where(and(eq(experimentMetrics.experimentId, e.id), eq(experimentMetrics.role, 'primary'))).orderBy(asc(metrics.key)).get();
  const lift = primary ? db.select().from(successCriteria).where(and(
    eq(successCriteria.experimentId, e.id), eq(successCriteria.kind, 'lift'), eq(successCriteria.metricKey, primary.key)
  )).get() : undefined;
  const weights = db.select({ weight: variants.weight }).from(variants).where(eq(variants.experimentId, e.id)).all().map((v) => v.weight);

  let baseline: number | null = null;
  let baselineSource: BaselineSource = 'none';
  if (e.baselineRate !== null) { baseline = e.baselineRate; baselineSource = 'experiment'; }
  else if (primary?.baseline !== null && primary?.baseline !== undefined) { baseline = primary.baseline; baselineSource = 'metric'; }
  else if (primary) {
    const measured = measuredBaseline(db, primary.id, { excludeExperimentId: e.id });
    if (measured) { baseline = measured.rate; baselineSource = 'measured'; }
  }
  const mde = lift?.minRelativeLift && lift.minRelativeLift > 0 ? lift.minRelativeLift : e.plannedMde;
  const alpha = lift?.maxPValue ?? 0.05;
  const traffic = dailyUsersFor(plan?.dailyTraffic ?? {}, e.channels, e.audience);
  const guardrails = guardrailChecks(db, e.id, { dailyUsers: traffic.dailyUsers, weights, coverage: e.coverage, plannedDays: e.durationDays });
  const base = { metricKey: primary?.key ?? null, baseline, baselineSource, mde, alpha, dailyUsers: traffic.dailyUsers, trafficSource: traffic.source, guardrails };
  if (!primary) return { ...base, status: 'unknown', perArm: null, totalUsers: null, daysNeeded: null, plannedDays: e.durationDays, message: 'no primary metric: choose one to check the duration' };
  if (primary.kind !== 'binomial' && baselineSource !== 'experiment') {
    return { ...base, status: 'unknown', perArm: null, totalUsers: null, daysNeeded: null, plannedDays: e.durationDays, message: `the power check covers rate metrics; ${primary.key} is a ${primary.kind} metric` };
  }
  return { ...base, ...powerCheck({ baseline, mde, alpha, dailyUsers: traffic.dailyUsers, weights, coverage: e.coverage, plannedDays: e.durationDays }) };
}

/** The guardrail criteria with a margin whose metric is a rate, each with its power check (baseline: the metric's, else measured). */
function guardrailChecks(db: Db, experimentId: number, traffic: { dailyUsers: number | null; weights: number[]; coverage: number; plannedDays: number }): GuardrailPowerCheck[] {
  const criteria = db.select({ metricKey: successCriteria.metricKey, loss: successCriteria.maxRelativeDegradation })
    .from(successCriteria).where(and(eq(successCriteria.experimentId, experimentId), eq(successCriteria.kind, 'guardrail'))).all();
  const checks: GuardrailPowerCheck[] = [];
  for (const { metricKey, loss } of criteria) {
    if (!metricKey || loss === null) continue;
    const metric = db.select().from(metrics).where(eq(metrics.key, metricKey)).get();
    if (!metric || metric.kind !== 'binomial') continue;
    const baseline = metric.baseline ?? measuredBaseline(db, metric.id, { excludeExperimentId: experimentId })?.rate ?? null;
    checks.push(guardrailPowerCheck({ metricKey, baseline, maxRelativeDegradation: loss, ...traffic }));
  }
  return checks;
}
