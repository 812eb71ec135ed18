/** Welch's two-sample t-test from sufficient statistics, optionally with CUPED. */
import { StatsInputError } from '../errors.ts';
import type { CompareOptions, Comparison, MeanStats } from '../types.ts';
import { compareSummaries, type ArmSummary } from './core.ts';
import { cupedSummaries } from './cuped.ts';
import { requireCount, requireFinite, requireNonNegative, resolveOptions, sampleVariance } from './validate.ts';

function summarize(arm: MeanStats, name: 'control' | 'treatment'): ArmSummary {
  if (arm === null || typeof arm !== 'object') throw new StatsInputError(name, 'must be an object of sufficient statistics');
  const n = requireCount(arm.n, `${name}.n`, 2);
  const sum = requireFinite(arm.sum, `${name}.sum`);
  const sumSquares = requireNonNegative(arm.sumSquares, `${name}.sumSquares`);
  const variance = sampleVariance(n, sum, sumSquares, `${name}.sumSquares`);
  return { n, mean: sum / n, meanVariance: variance / n };
}

/**
 * Compare the means of a numeric metric: Welch's t-test (unequal variances, sample
 * variance with n - 1, Welch-Satterthwaite df, t-quantile CI). Equals R's
 * `t.test(treatment, control)`. With `options.covariate`, CUPED-adjusted.
 *
 * @example
 * compareMeans({ n: 1000, sum: 10_000, sumSquares: 109_000 },
 *              { n: 1000, sum: 10_400, sumSquares: 117_000 })
 * // absolute.estimate 0.4, statistic ≈ 2.993, df ≈ 1997.8, pValue ≈ 0.0028
 */
export function compareMeans(control: MeanStats, treatment: MeanStats, options: CompareOptions = {}): Comparison {
  const resolved = resolveOptions(options);
  const c = summarize(control, 'control');
  const t = summarize(treatment, 'treatment');
  const adjusted = options.covariate ? cupedSummaries(control, treatment, options.covariate) : null;
  return adjusted ? compareSummaries(adjusted[0], adjusted[1], 't', resolved) : compareSummaries(c, t, 't', resolved);
}
