/**
 * Ratio metrics (Σnumerator / Σdenominator, e.g. revenue per order) by the delta
 * method: Deng, Knoblich & Lu (2018), "Applying the Delta Method in Metric
 * Analytics: A Practical Guide with Novel Ideas", KDD, eq. (4):
 *   Var(N̄/D̄) ≈ (σN²/μD² - 2 μN σND/μD³ + μN² σD²/μD⁴) / n.
 */
import { StatsInputError } from '../errors.ts';
import type { CompareOptions, Comparison, RatioStats } from '../types.ts';
import { compareSummaries, type ArmSummary } from './core.ts';
import { requireCount, requireFinite, requireNonNegative, resolveOptions, sampleVariance } from './validate.ts';

function summarize(arm: RatioStats, name: 'control' | 'treatment'): ArmSummary {
  if (arm === null || typeof arm !== 'object') throw new StatsInputError(name, 'must be an object of sufficient statistics');
  const n = requireCount(arm.n, `${name}.n`, 2);
  const sumN = requireFinite(arm.sumNumerator, `${name}.sumNumerator`);
  const sumD = requireFinite(arm.sumDenominator, `${name}.sumDenominator`);
  const varN = sampleVariance(n, sumN, requireNonNegative(arm.sumNumeratorSquares, `${name}.sumNumeratorSquares`), `${name}.sumNumeratorSquares`);
  const varD = sampleVariance(n, sumD, requireNonNegative(arm.sumDenominatorSquares, `${name}.sumDenominatorSquares`), `${name}.sumDenominatorSquares`);
  const cross = requireFinite(arm.sumCrossProducts, `${name}.sumCrossProducts`);
  if (sumD === 0) throw new StatsInputError(`${name}.sumDenominator`, 'must not be 0: the ratio is undefined');
  const muN = sumN / n;
  const muD = sumD / n;
  const cov = (cross - sumN * muD) / (n - 1);
  const ratio = muN / muD;
  const variance = (varN - 2 * ratio * cov + ratio * ratio * varD) / (muD * muD);
  return { n, mean: ratio, meanVariance: Math.max(variance, 0) / n };
}

/**
 * Compare a ratio metric between arms with a z-test on the delta-method variance.
 * Same Comparison shape; df is Infinity. CUPED is not supported for ratios.
 *
 * @example
 * // revenue per order: numerator = revenue per user, denominator = orders per user
 * compareRatios(
 *   { n: 5000, sumNumerator: 250_000, sumDenominator: 5_000, sumNumeratorSquares: 40_000_000,
 *     sumDenominatorSquares: 9_000, sumCrossProducts: 500_000 },
 *   { n: 5000, sumNumerator: 270_000, sumDenominator: 5_100, sumNumeratorSquares: 45_000_000,
 *     sumDenominatorSquares: 9_300, sumCrossProducts: 560_000 })
 * // control 50, treatment ≈ 52.94 per order, statistic ≈ 3.01, pValue ≈ 0.0026
 */
export function compareRatios(control: RatioStats, treatment: RatioStats, options: CompareOptions = {}): Comparison {
  const resolved = resolveOptions(options);
  if (options.covariate) throw new StatsInputError('options.covariate', 'CUPED is not supported for ratio metrics');
  return compareSummaries(summarize(control, 'control'), summarize(treatment, 'treatment'), 'z', resolved);
}
