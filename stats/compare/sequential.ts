/**
 * Asymptotic confidence sequences: Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas (2021),
 * "Time-uniform central limit theory and asymptotic confidence sequences"
 * (arXiv:2103.06476), with the parameterisation GrowthBook's gbstats uses.
 * Steps:
 *  1. ρ from the tuning parameter N (eq. 161): ρ² = (-2 ln α + ln(1 - 2 ln α)) / N,
 *     with α doubled for one-sided sequences;
 *  2. half-width (eq. 9) with per-observation variance s² = se² · n, n = total users:
 *     two-sided  se·√n · √(2(nρ²+1)/(nρ)² · ln(√(nρ²+1)/α)),
 *     one-sided  se·√n · √(2(nρ²+1)/(nρ)² · ln(1 + √(nρ²+1)/(2α)));
 *  3. always-valid p-value = the smallest α whose sequence (ρ held fixed) excludes 0;
 *     two-sided this is eq. 155, 1/e-value = √(nρ²+1) · exp(-ρ² n z² / (2(nρ²+1))).
 */
import type { Alternative } from '../types.ts';

export const DEFAULT_TUNING = 5000;

/** Mixing parameter ρ for tuning N (the total sample size where the sequence is tightest). */
export function sequentialRho(alpha: number, tuning: number, twoSided: boolean): number {
  const a = twoSided ? alpha : 2 * alpha;
  return Math.sqrt((-2 * Math.log(a) + Math.log(1 - 2 * Math.log(a))) / tuning);
}

/** Half-width of the confidence sequence in units of se (the "critical value"). */
export function sequentialMultiplier(n: number, alpha: number, rho: number, alternative: Alternative): number {
  const nr2 = n * rho * rho + 1;
  const log = alternative === 'two-sided'
    ? Math.log(Math.sqrt(nr2) / alpha)
    : Math.log1p(Math.sqrt(nr2) / (2 * alpha));
  return Math.sqrt(n) * Math.sqrt((2 * nr2 * log) / (n * rho) ** 2);
}

/** Always-valid p-value for z = estimate / se, by inverting the sequence (step 3). */
export function sequentialPValue(z: number, n: number, rho: number, alternative: Alternative): number {
  const nr2 = n * rho * rho + 1;
  const exponent = (rho * rho * n * z * z) / (2 * nr2);
  let p: number;
  if (alternative === 'two-sided') {
    p = Math.exp(0.5 * Math.log(nr2) - exponent);
  } else {
    const inDirection = alternative === 'greater' ? z > 0 : z < 0;
    // √(nr2) / (2 (e^L - 1)), in logs so huge L does not overflow
    p = inDirection ? Math.exp(0.5 * Math.log(nr2) - Math.log(2) - logExpm1(exponent)) : 1;
  }
  return Math.min(1, Math.max(p, Number.MIN_VALUE));
}

function logExpm1(x: number): number {
  return x > 30 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
}
