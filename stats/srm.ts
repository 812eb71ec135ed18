/**
 * Sample ratio mismatch: Pearson's chi-square goodness-of-fit test of observed arm
 * sizes against the configured traffic split, df = k - 1 (Fabijan et al. 2019,
 * "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments", KDD).
 */
import { chiSquareUpperTail } from './distributions/chi-square.ts';
import { StatsInputError } from './errors.ts';
import { requireNonNegative } from './compare/validate.ts';

/** p-value below which the split is flagged (the usual SRM threshold). */
export const SRM_THRESHOLD = 0.001;

export type SampleRatioMismatch = { chiSquare: number; df: number; pValue: number; mismatch: boolean };

/**
 * Test whether arm sizes match the expected weights (any positive scale). Equals
 * R's `chisq.test(observed, p = weights / sum(weights))`.
 *
 * @example
 * sampleRatioMismatch([50_000, 48_000], [1, 1])
 * // { chiSquare: 40.816..., df: 1, pValue: 1.67e-10, mismatch: true }
 */
export function sampleRatioMismatch(observed: number[], expectedWeights: number[]): SampleRatioMismatch {
  if (!Array.isArray(observed) || observed.length < 2) {
    throw new StatsInputError('observed', 'must list the size of at least two arms');
  }
  if (!Array.isArray(expectedWeights) || expectedWeights.length !== observed.length) {
    throw new StatsInputError('expectedWeights', `must have one weight per arm (${observed.length})`);
  }
  const counts = observed.map((v, i) => requireNonNegative(v, `observed[${i}]`));
  const weights = expectedWeights.map((w, i) => {
    const v = requireNonNegative(w, `expectedWeights[${i}]`);
    if (v === 0) throw new StatsInputError(`expectedWeights[${i}]`, 'must be positive (drop arms that get no traffic)');
    return v;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new StatsInputError('observed', 'must have a positive total');
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  let chiSquare = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = (total * weights[i]) / weightTotal;
    chiSquare += (counts[i] - expected) ** 2 / expected;
  }
  const df = counts.length - 1;
  const pValue = chiSquareUpperTail(chiSquare, df);
  return { chiSquare, df, pValue, mismatch: pValue < SRM_THRESHOLD };
}
