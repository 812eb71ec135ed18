/**
 * One goal metric of the program impact report: the holdout (as control) against everyone else
 * exposed to the plan, from the per-group sums of `PlanStore.impactStats`, compared with the
 * same stats/ functions as an experiment report (calendar/reports/compare.ts): proportions for
 * binomial, retention and threshold; Welch means for count and sum; the restricted mean for a
 * time to event; the delta method for a ratio.
 */
import type { GroupStats } from '../../db/store/index.ts';
import {
  compareMeans, compareProportions, compareRatios, normalUpperQuantile, restrictedMeanStats, StatsInputError,
  type Comparison, type CompareOptions
} from '../../stats/index.ts';
import type { Metric } from '../model.ts';

/** A time to event without its own window is restricted to 14 days (as the store's SQL). */
export const DEFAULT_RESTRICTION_DAYS = 14;
const proportionKinds: ReadonlySet<Metric['kind']> = new Set(['binomial', 'retention', 'threshold']);

/** The restriction of a time-to-event metric in the program impact report, in days. */
export const restrictionDays = (metric: Pick<Metric, 'windowDays'>) => metric.windowDays ?? DEFAULT_RESTRICTION_DAYS;

/**
 * Holdout (control) against the rest (treatment); null when a group has fewer than 2 users.
 * Throws StatsInputError when the data cannot be compared (e.g. a ratio without denominators).
 * @example compareGroups({ kind: 'binomial', windowDays: null }, holdout, rest, {})?.relative?.estimate // 0.12
 */
export function compareGroups(metric: Pick<Metric, 'kind' | 'windowDays'>, holdout: GroupStats, rest: GroupStats, options: CompareOptions): Comparison | null {
  if (holdout.users < 2 || rest.users < 2) return null;
  if (proportionKinds.has(metric.kind)) {
    return compareProportions({ n: holdout.users, conversions: holdout.sum }, { n: rest.users, conversions: rest.sum }, options);
  }
  if (metric.kind === 'time_to_event') {
    const arm = (g: GroupStats) => restrictedMeanStats({
      n: g.users, events: g.sumDenominator, sumTimes: g.sum, sumTimeSquares: g.sumSquares, restriction: restrictionDays(metric) * 24 });
    return compareMeans(arm(holdout), arm(rest), options);
  }
  if (metric.kind === 'ratio') {
    const arm = (g: GroupStats) => ({ n: g.users, sumNumerator: g.sum, sumDenominator: g.sumDenominator, sumNumeratorSquares: g.sumSquares,
      sumDenominatorSquares: g.sumDenominatorSquares, sumCrossProducts: g.sumCrossProducts });
    return compareRatios(arm(holdout), arm(rest), options);
  }
  return compareMeans({ n: holdout.users, sum: holdout.sum, sumSquares: holdout.sumSquares }, { n: rest.users, sum: rest.sum, sumSquares: rest.sumSquares }, options);
}

/** A group's mean as the report shows it: a rate, a mean per user, a ratio of sums, a restricted mean in hours. */
export function groupMean(metric: Pick<Metric, 'kind' | 'windowDays'>, g: GroupStats): number | null {
  if (metric.kind === 'ratio') return g.sumDenominator > 0 ? g.sum / g.sumDenominator : null;
  if (g.users === 0) return null;
  if (metric.kind === 'time_to_event') return (g.sum + (g.users - g.sumDenominator) * restrictionDays(metric) * 24) / g.users;
  return g.sum / g.users;
}

/** Compares, or says why not. */
export function tryCompare(metric: Pick<Metric, 'kind' | 'windowDays'>, holdout: GroupStats, rest: GroupStats, options: CompareOptions): { comparison: Comparison | null; problem: string | null } {
  try {
    const comparison = compareGroups(metric, holdout, rest, options);
    return { comparison, problem: comparison ? null : 'needs at least 2 users in the holdout and 2 others' };
  } catch (err) {
    if (!(err instanceof StatsInputError)) throw err;
    return { comparison: null, problem: `cannot compare yet (${err.message})` };
  }
}

/**
 * The smallest relative change a fixed-horizon two-sided test at α = 0.05 detects with 80%
 * power, from a comparison's standard error (normal approximation):
 * 1. absolute = (z_{1-α/2} + z_{0.8}) · SE of the difference;
 * 2. relative = absolute / |holdout mean|; null when the holdout mean is 0.
 * @example detectableRelative({ control: 0.1, absolute: { se: 0.01 } } as Comparison) // 0.28
 */
export function detectableRelative(fixed: Pick<Comparison, 'control' | 'absolute'>, alpha = 0.05, power = 0.8): number | null {
  if (!(Math.abs(fixed.control) > 0) || !Number.isFinite(fixed.absolute.se)) return null;
  return ((normalUpperQuantile(alpha / 2) + normalUpperQuantile(1 - power)) * fixed.absolute.se) / Math.abs(fixed.control);
}
