/**
 * CUPED: Deng, Xu, Kohavi & Walker (2013), "Improving the Sensitivity of Online
 * Controlled Experiments by Utilizing Pre-Experiment Data", WSDM.
 *  1. θ = pooled within-arm covariance(x, y) / pooled within-arm variance(x);
 *  2. adjusted arm mean ȳ - θ (x̄ - x̄_all), so the difference is Δȳ - θ Δx̄;
 *  3. adjusted variance (Syy - 2θ Sxy + θ² Sxx) / (n - 1), i.e. Var(y - θx);
 *  4. no covariate variance in either arm: return null, the caller falls back to
 *     the unadjusted comparison. θ is treated as known (its O(1/n) noise is ignored).
 */
import { StatsInputError } from '../errors.ts';
import type { CovariateArmStats, CovariateStats, MeanStats } from '../types.ts';
import type { ArmSummary } from './core.ts';
import { requireCount, requireFinite, requireNonNegative } from './validate.ts';

type Moments = { n: number; meanY: number; meanX: number; syy: number; sxx: number; sxy: number; sumX: number };

function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1);
}

function moments(arm: MeanStats, cov: CovariateArmStats, name: 'control' | 'treatment'): Moments {
  const path = `options.covariate.${name}`;
  requireCount(cov.n, `${path}.n`);
  requireFinite(cov.sum, `${path}.sum`);
  requireNonNegative(cov.sumSquares, `${path}.sumSquares`);
  const sumX = requireFinite(cov.covariateSum, `${path}.covariateSum`);
  requireNonNegative(cov.covariateSumSquares, `${path}.covariateSumSquares`);
  requireFinite(cov.crossSum, `${path}.crossSum`);
  for (const key of ['n', 'sum', 'sumSquares'] as const) {
    if (!sameValue(cov[key], arm[key])) {
      throw new StatsInputError(`${path}.${key}`, `must equal ${name}.${key} (${arm[key]}), got ${cov[key]}`);
    }
  }
  const n = arm.n;
  const meanY = arm.sum / n;
  const meanX = sumX / n;
  return {
    n,
    meanY,
    meanX,
    sumX,
    syy: Math.max(arm.sumSquares - arm.sum * meanY, 0),
    sxx: Math.max(cov.covariateSumSquares - sumX * meanX, 0),
    sxy: cov.crossSum - sumX * meanY,
  };
}

/** Covariate-adjusted arm summaries, or null when x has no variance (step 4). */
export function cupedSummaries(
  control: MeanStats,
  treatment: MeanStats,
  covariate: CovariateStats,
): [ArmSummary, ArmSummary] | null {
  const c = moments(control, covariate.control, 'control');
  const t = moments(treatment, covariate.treatment, 'treatment');
  const sxx = c.sxx + t.sxx;
  if (sxx === 0) return null;
  const theta = (c.sxy + t.sxy) / sxx; // step 1
  const meanX = (c.sumX + t.sumX) / (c.n + t.n);
  const adjust = (m: Moments): ArmSummary => {
    const variance = Math.max(m.syy - 2 * theta * m.sxy + theta * theta * m.sxx, 0) / (m.n - 1); // step 3
    return { n: m.n, mean: m.meanY - theta * (m.meanX - meanX), meanVariance: variance / m.n }; // step 2
  };
  return [adjust(c), adjust(t)];
}
