/**
 * Non-inferiority: is the treatment no worse than control by more than a margin?
 * One-sided test of H0: δ ≤ -margin against H1: δ > -margin (or the mirror when lower
 * is better), i.e. the confidence-interval method of Schuirmann (1987) / ICH E9.
 */
import { tUpperQuantile, tUpperTail } from './distributions/student-t.ts';
import { StatsInputError } from './errors.ts';
import type { Comparison } from './types.ts';

export type NonInferiorityOptions = {
  /** Largest acceptable loss, in the units of comparison.absolute (> 0). */
  margin: number;
  /** true (default) when a higher metric is better. */
  higherIsBetter?: boolean;
  /** One-sided level (default 0.05). */
  alpha?: number;
};

export type NonInferiority = { statistic: number; pValue: number; bound: number; nonInferior: boolean };

/**
 * Test non-inferiority from a fixed-horizon Comparison (uses absolute estimate, se, df).
 * `bound` is the one-sided (1 - α) confidence bound on the difference.
 *
 * @example
 * testNonInferiority(compareProportions(control, treatment), { margin: 0.005 })
 * // nonInferior: true when the lower 95% bound of treatment - control is above -0.005
 */
export function testNonInferiority(comparison: Comparison, options: NonInferiorityOptions): NonInferiority {
  const { margin, higherIsBetter = true, alpha = 0.05 } = options;
  if (!(margin > 0 && Number.isFinite(margin))) throw new StatsInputError('options.margin', `must be positive, got ${margin}`);
  if (!(alpha > 0 && alpha < 1)) throw new StatsInputError('options.alpha', `must be between 0 and 1, got ${alpha}`);
  const { estimate, se } = comparison.absolute;
  const sign = higherIsBetter ? 1 : -1;
  const shifted = sign * estimate + margin; // > 0 under H1
  const critical = tUpperQuantile(alpha, comparison.df);
  const bound = estimate - sign * critical * se;
  if (se === 0) {
    return { statistic: shifted > 0 ? Infinity : -Infinity, pValue: shifted > 0 ? Number.MIN_VALUE : 1, bound, nonInferior: shifted > 0 };
  }
  const statistic = shifted / se;
  const pValue = tUpperTail(statistic, comparison.df);
  return { statistic, pValue, bound, nonInferior: pValue < alpha };
}
