/**
 * Chi-square distribution tails via the regularized incomplete gamma function:
 * P(χ²_k > x) = Q(k/2, x/2) (Numerical Recipes §6.2, see incomplete-gamma.ts).
 */
import { regularizedGammaQ } from './incomplete-gamma.ts';

/**
 * Upper tail P(χ²_df > x), accurate in relative terms however small (never 0 while
 * representable; floored at the smallest positive double).
 *
 * @example chiSquareUpperTail(161.13, 4) // 8.35e-34 (jStat's 1 - cdf gives 0)
 */
export function chiSquareUpperTail(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return Number.MIN_VALUE;
  return Math.max(regularizedGammaQ(df / 2, x / 2), Number.MIN_VALUE);
}
