/**
 * Regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x).
 * Press et al., Numerical Recipes (3rd ed.) §6.2: series for x < a + 1, otherwise a
 * continued fraction for Q evaluated by the modified Lentz method, so a small Q is
 * never obtained as 1 - P. The prefactor uses Loader's bd0 (see log-gamma.ts).
 */
import { logGammaPrefactor } from './log-gamma.ts';
import { lentzStep, TINY, type LentzState } from './lentz.ts';

const EPSILON = 1e-16;
const MAX_ITERATIONS = 1_000_000;

/** Σ x^k / (a (a+1) ... (a+k)), the series part of P(a, x). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let k = 1; k < MAX_ITERATIONS; k++) {
    term *= x / (a + k);
    sum += term;
    if (term < sum * EPSILON) break;
  }
  return sum;
}

/** Continued fraction 1 / (x + 1 - a - 1·(1-a) / (x + 3 - a - ...)) for Q(a, x), by modified Lentz. */
function upperFraction(a: number, x: number): number {
  let b = x + 1 - a;
  const state: LentzState = { c: 1 / TINY, d: 1 / b, h: 1 / b };
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    b += 2;
    const delta = lentzStep(state, -i * (i - a), b);
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return state.h;
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x ≥ 0.
 * @example regularizedGammaQ(2, 80.565) // chi-square(4) upper tail at 161.13 ≈ 8.35e-34
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - Math.exp(logGammaPrefactor(a, x)) * lowerSeries(a, x);
  return Math.exp(logGammaPrefactor(a, x) + Math.log(upperFraction(a, x)));
}

/** Regularized lower incomplete gamma P(a, x) = 1 - Q(a, x), accurate when P is small. */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) return Math.exp(logGammaPrefactor(a, x)) * lowerSeries(a, x);
  return 1 - Math.exp(logGammaPrefactor(a, x) + Math.log(upperFraction(a, x)));
}
