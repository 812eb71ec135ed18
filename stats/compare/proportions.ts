/** Unpooled (Wald) z-test for two proportions, optionally with CUPED. */
import { StatsInputError } from '../errors.ts';
import type { CompareOptions, Comparison, Interval, ProportionStats } from '../types.ts';
import { compareSummaries, type ArmSummary } from './core.ts';
import { cupedSummaries } from './cuped.ts';
import { requireCount, requireNonNegative, resolveOptions } from './validate.ts';

function summarize(arm: ProportionStats, name: 'control' | 'treatment'): ArmSummary {
  if (arm === null || typeof arm !== 'object') throw new StatsInputError(name, 'must be an object of sufficient statistics');
  const n = requireCount(arm.n, `${name}.n`, 1);
  const conversions = requireNonNegative(arm.conversions, `${name}.conversions`);
  if (conversions > n) {
    throw new StatsInputError(`${name}.conversions`, `cannot exceed ${name}.n (${n}), got ${conversions}`);
  }
  const rate = conversions / n;
  return { n, mean: rate, meanVariance: (rate * (1 - rate)) / n };
}

/** A difference of rates lies in [-1, 1]; clamp as R's prop.test does. */
const clampRateDifference = ([lo, hi]: Interval): Interval => [Math.max(lo, -1), Math.min(hi, 1)];

/**
 * Compare conversion rates: z = d / se with se = √(pc(1-pc)/nc + pt(1-pt)/nt),
 * p = 2Φ(-|z|), CI d ± z(1-α/2)·se (Wald). The CI equals R's
 * `prop.test(c(xt, xc), c(nt, nc), correct = FALSE)$conf.int`.
 * With `options.covariate` (sum = sumSquares = conversions) the rates are CUPED-adjusted.
 *
 * @example
 * compareProportions({ n: 10_000, conversions: 1_000 }, { n: 10_000, conversions: 1_100 })
 * // absolute.estimate 0.01, statistic ≈ 2.307, pValue ≈ 0.0211, relative.estimate 0.1
 */
export function compareProportions(
  control: ProportionStats,
  treatment: ProportionStats,
  options: CompareOptions = {},
): Comparison {
  const resolved = resolveOptions(options);
  const c = summarize(control, 'control');
  const t = summarize(treatment, 'treatment');
  if (options.covariate) {
    const asMeans = (arm: ProportionStats) => ({ n: arm.n, sum: arm.conversions, sumSquares: arm.conversions });
    requireCount(control.n, 'control.n', 2);
    requireCount(treatment.n, 'treatment.n', 2);
    const adjusted = cupedSummaries(asMeans(control), asMeans(treatment), options.covariate);
    if (adjusted) return compareSummaries(adjusted[0], adjusted[1], 'z', resolved);
  }
  const result = compareSummaries(c, t, 'z', resolved);
  return { ...result, absolute: { ...result.absolute, ci: clampRateDifference(result.absolute.ci) } };
}
