/**
 * The program impact report of a plan with a holdout (issue 16 item 4): everyone exposed to the
 * plan (its experiments and rolled-out winners) against the held-out users, on the plan's
 * primary metrics, from each user's first plan exposure up to now. The sums per group come from
 * SQL (`PlanStore.impactStats`); the comparison from stats/ (sequential while the plan runs, so
 * looking every day is allowed). Metric kinds measured per user by one event (binomial, count,
 * sum) are compared; the others are listed as not yet measured here.
 */
import type { Data, ImpactAggregate } from '../../db/store/index.ts';
import { compareMeans, compareProportions, minimumDetectableEffect, type Comparison } from '../../stats/index.ts';
import type { Metric } from '../model.ts';
import { getPlan } from './commands.ts';

/** Expected program effect when no shipped winner has a planned MDE: +10% on the goal metrics. */
const defaultExpectedLift = 0.1;

export type ImpactMetric = {
  key: string; name: string; kind: Metric['kind'];
  holdout: { users: number; mean: number }; rest: { users: number; mean: number };
  /** Relative lift of everyone else over the holdout, its CI and p-value; null when not computable. */
  lift: number | null; ci: [number, number] | null; pValue: number | null;
  note: string | null;
};

export type ProgramImpact = {
  planId: number; holdoutShare: number; sequential: boolean;
  shippedWinners: Array<{ key: string; name: string; variant: string }>;
  metrics: ImpactMetric[];
  /** Power check: the smallest relative lift the current holdout can show, against the expected one. */
  power: { expectedLift: number; detectableLift: number | null; warning: string | null };
};

const aggregates: Partial<Record<Metric['kind'], ImpactAggregate>> = { binomial: 'any', count: 'count', sum: 'sum' };

/**
 * The program impact of plan `planId` at `nowMs`.
 * @example (await programImpact(data, 1, Date.now())).metrics[0] // { key: 'activation', lift: 0.12, ci: [0.03, 0.21], pValue: 0.01, … }
 */
export async function programImpact(data: Data, planId: number, nowMs: number): Promise<ProgramImpact> {
  const plan = await getPlan(data, planId);
  const experiments = await data.experiments.list({ planId });
  const primary = new Map<string, Metric>();
  for (const e of experiments) {
    for (const link of await data.experiments.metricLinks(e.id)) if (link.role === 'primary') primary.set(link.metric.key, link.metric);
  }
  const shipped = experiments.filter((e) => e.rolloutVariantKey && (e.status === 'concluded' || e.status === 'promoted'));
  const plannedLifts = shipped.map((e) => e.plannedMde).filter((m): m is number => m !== null && m > 0);
  const expectedLift = plannedLifts.length ? plannedLifts.reduce((a, b) => a + b, 0) : defaultExpectedLift;
  const sequential = plan.status === 'active';
  const metrics: ImpactMetric[] = [];
  let detectableLift: number | null = null;
  for (const metric of [...primary.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const aggregate = aggregates[metric.kind];
    const base = { key: metric.key, name: metric.name, kind: metric.kind };
    if (!aggregate) {
      metrics.push({ ...base, holdout: { users: 0, mean: 0 }, rest: { users: 0, mean: 0 }, lift: null, ci: null, pValue: null,
        note: `${metric.kind} metrics are not yet measured in the program impact report` });
      continue;
    }
    const { holdout, rest } = await data.plans.impactStats(planId, { eventName: metric.eventName, aggregate }, nowMs);
    const mean = (g: typeof holdout) => (g.users ? g.sum / g.users : 0);
    let comparison: Comparison | null = null;
    let note: string | null = null;
    if (holdout.users < 2 || rest.users < 2) note = 'needs at least 2 users in the holdout and 2 others';
    else {
      const options = sequential ? { sequential: {} } : {};
      comparison = aggregate === 'any'
        ? compareProportions({ n: holdout.users, conversions: holdout.sum }, { n: rest.users, conversions: rest.sum }, options)
        : compareMeans({ n: holdout.users, sum: holdout.sum, sumSquares: holdout.sumSquares }, { n: rest.users, sum: rest.sum, sumSquares: rest.sumSquares }, options);
      if (!comparison.relative) note = 'the holdout has no events of this metric yet: no relative lift';
      if (aggregate === 'any' && holdout.sum > 0 && holdout.sum < holdout.users) {
        // Unequal groups: the holdout limits the power; n per arm ≈ the harmonic mean of the two.
        const n = 2 / (1 / holdout.users + 1 / rest.users);
        const detectable = minimumDetectableEffect({ kind: 'proportion', baseline: holdout.sum / holdout.users, n, relative: true });
        detectableLift = detectableLift === null ? detectable : Math.max(detectableLift, detectable);
      }
    }
    metrics.push({
      ...base, holdout: { users: holdout.users, mean: mean(holdout) }, rest: { users: rest.users, mean: mean(rest) },
      lift: comparison?.relative?.estimate ?? null, ci: comparison?.relative?.ci ?? null, pValue: comparison?.pValue ?? null, note
    });
  }
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const warning = plan.holdoutShare <= 0 ? 'the plan has no holdout: its combined effect cannot be measured'
    : detectableLift !== null && detectableLift > expectedLift
      ? `the holdout is too small: with ${pct(plan.holdoutShare)} held out it can show +${pct(detectableLift)} or more, the plan expects +${pct(expectedLift)}`
      : null;
  return {
    planId, holdoutShare: plan.holdoutShare, sequential,
    shippedWinners: shipped.map((e) => ({ key: e.key, name: e.name, variant: e.rolloutVariantKey! })),
    metrics, power: { expectedLift, detectableLift, warning }
  };
}
