/**
 * The shared engine of every comparison: from each arm's mean and the variance of
 * that mean, build the absolute and relative estimates, the test and the intervals.
 * Means use Welch's t (Welch 1947, "The generalization of Student's problem when
 * several different population variances are involved"); rates and ratios use z.
 */
import { StatsInputError } from '../errors.ts';
import { tUpperQuantile, tUpperTail } from '../distributions/student-t.ts';
import type { Comparison, Estimate, Interval } from '../types.ts';
import { sequentialMultiplier, sequentialPValue, sequentialRho } from './sequential.ts';
import type { ResolvedOptions } from './validate.ts';

/** One arm reduced to what the tests need. */
export type ArmSummary = {
  n: number;
  mean: number;
  /** Variance of the arm's mean (s²/n for a sample mean). */
  meanVariance: number;
};

/** Welch-Satterthwaite df; nc + nt - 2 when both arms are constant (0/0). */
export function welchDf(c: ArmSummary, t: ArmSummary): number {
  const total = c.meanVariance + t.meanVariance;
  if (total === 0) return c.n + t.n - 2;
  return (total * total) / (c.meanVariance ** 2 / (c.n - 1) + t.meanVariance ** 2 / (t.n - 1));
}

/** p-value of statistic under the alternative, Student's t with df (Infinity = normal). */
function fixedPValue(statistic: number, df: number, alternative: ResolvedOptions['alternative']): number {
  if (alternative === 'greater') return tUpperTail(statistic, df);
  if (alternative === 'less') return tUpperTail(-statistic, df);
  return Math.min(1, 2 * tUpperTail(Math.abs(statistic), df));
}

function interval(estimate: number, halfWidth: number, alternative: ResolvedOptions['alternative']): Interval {
  if (alternative === 'greater') return [estimate - halfWidth, Infinity];
  if (alternative === 'less') return [-Infinity, estimate + halfWidth];
  return [estimate - halfWidth, estimate + halfWidth];
}

/** Delta method for (t - c)/|c| (Deng, Knoblich & Lu 2018, "Applying the Delta Method in
 *  Metric Analytics", KDD): var = Var(t̄)/c² + Var(c̄)·t²/c⁴. */
function relativeEstimate(c: ArmSummary, t: ArmSummary): { estimate: number; se: number } | null {
  if (c.mean === 0) return null;
  const c2 = c.mean * c.mean;
  const variance = t.meanVariance / c2 + (c.meanVariance * t.mean * t.mean) / (c2 * c2);
  return { estimate: (t.mean - c.mean) / Math.abs(c.mean), se: Math.sqrt(variance) };
}

/**
 * Compare two summarised arms. `test` is 't' (Welch) or 'z'. Sequential mode
 * replaces the critical value and p-value with the confidence-sequence ones.
 */
export function compareSummaries(
  control: ArmSummary,
  treatment: ArmSummary,
  test: 't' | 'z',
  options: ResolvedOptions,
): Comparison {
  const { alpha, alternative, sequential } = options;
  const difference = treatment.mean - control.mean;
  const se = Math.sqrt(control.meanVariance + treatment.meanVariance);
  if (se === 0 && difference !== 0) {
    throw new StatsInputError(
      'treatment',
      'both arms are constant but differ, so the difference has zero standard error and no test is defined',
    );
  }
  const statistic = se === 0 ? 0 : difference / se;
  let df = test === 't' ? welchDf(control, treatment) : Infinity;
  let pValue: number;
  let critical: number;
  if (sequential) {
    const n = control.n + treatment.n;
    const rho = sequentialRho(alpha, sequential.tuning, alternative === 'two-sided');
    critical = sequentialMultiplier(n, alpha, rho, alternative);
    pValue = sequentialPValue(statistic, n, rho, alternative);
    df = Infinity; // the sequence is asymptotic (normal), whatever the arm sizes
  } else {
    pValue = fixedPValue(statistic, df, alternative);
    critical = tUpperQuantile(alternative === 'two-sided' ? alpha / 2 : alpha, df);
  }
  const absolute: Estimate = { estimate: difference, se, ci: interval(difference, critical * se, alternative) };
  const rel = relativeEstimate(control, treatment);
  const relative: Estimate | null = rel && {
    ...rel,
    ci: interval(rel.estimate, critical * rel.se, alternative),
  };
  return {
    control: control.mean,
    treatment: treatment.mean,
    absolute,
    relative,
    statistic,
    df,
    pValue: Math.max(pValue, Number.MIN_VALUE),
    significant: pValue < alpha,
  };
}
