/**
 * Chance to beat control: the posterior probability that treatment > control under
 * a flat prior with Gaussian likelihood (Stucchio 2015, "Bayesian A/B Testing at
 * VWO"; the large-sample form GrowthBook reports): P(δ > 0) = Φ(δ̂ / se).
 */
import { compareMeans } from './compare/means.ts';
import { compareProportions } from './compare/proportions.ts';
import { normalCdf } from './distributions/normal.ts';
import { StatsInputError } from './errors.ts';
import type { Comparison, MeanStats, ProportionStats } from './types.ts';

type Arm = MeanStats | ProportionStats;

const isProportion = (arm: Arm): arm is ProportionStats => 'conversions' in arm;

/**
 * Probability that the treatment's true mean or rate exceeds control's. Takes a
 * Comparison (uses its absolute estimate and se) or the two arms. For metrics where
 * lower is better, use 1 - chance.
 *
 * @example
 * chanceToBeatControl({ n: 10_000, conversions: 1_000 }, { n: 10_000, conversions: 1_100 }) // ≈ 0.9895
 */
export function chanceToBeatControl(comparison: Comparison): number;
export function chanceToBeatControl(control: ProportionStats, treatment: ProportionStats): number;
export function chanceToBeatControl(control: MeanStats, treatment: MeanStats): number;
export function chanceToBeatControl(first: Comparison | Arm, second?: Arm): number {
  let comparison: Comparison;
  if (second === undefined) {
    comparison = first as Comparison;
    if (!comparison || typeof comparison.absolute !== 'object') {
      throw new StatsInputError('comparison', 'must be a Comparison or two arms');
    }
  } else if (isProportion(first as Arm) && isProportion(second)) {
    comparison = compareProportions(first as ProportionStats, second);
  } else if (!isProportion(first as Arm) && !isProportion(second)) {
    comparison = compareMeans(first as MeanStats, second);
  } else {
    throw new StatsInputError('treatment', 'must be the same kind of statistics as control');
  }
  const { estimate, se } = comparison.absolute;
  if (se === 0) return estimate > 0 ? 1 : estimate < 0 ? 0 : 0.5;
  return normalCdf(estimate / se);
}
