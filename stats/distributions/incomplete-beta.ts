/**
 * Regularized incomplete beta function I_x(a, b) and its complement.
 * Press et al., Numerical Recipes (3rd ed.) §6.4: the continued fraction (modified
 * Lentz) on whichever side converges, x < (a+1)/(a+b+2), else the symmetry
 * I_x(a, b) = 1 - I_{1-x}(b, a). Callers pass both x and y = 1 - x, computed
 * independently, so a tail near x = 1 never loses digits to rounding of 1 - x.
 */
import { logBeta } from './log-gamma.ts';
import { lentzStep, TINY, type LentzState } from './lentz.ts';

const EPSILON = 1e-16;
const MAX_ITERATIONS = 1_000_000;

/** The continued fraction of I_x(a, b) (NR "betacf"): two Lentz steps per m, the even and the odd term. */
function betaFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  const state: LentzState = { c: 1, d, h: d };
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    lentzStep(state, (m * (b - m) * x) / ((qam + m2) * (a + m2)), 1);
    const delta = lentzStep(state, (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2)), 1);
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return state.h;
}

/**
 * Both tails of the beta(a, b) distribution at x, given logs of x and y = 1 - x.
 * Returns [I_x(a, b), 1 - I_x(a, b)], each accurate in relative terms when it is
 * the smaller of the two.
 */
export function betaTails(x: number, y: number, logX: number, logY: number, a: number, b: number): [number, number] {
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const logFront = a * logX + b * logY - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const lower = Math.exp(logFront + Math.log(betaFraction(x, a, b) / a));
    return [lower, 1 - lower];
  }
  const upper = Math.exp(logFront + Math.log(betaFraction(y, b, a) / b));
  return [1 - upper, upper];
}

/**
 * Regularized incomplete beta I_x(a, b) for 0 ≤ x ≤ 1, a, b > 0.
 * @example regularizedBeta(0.5, 2, 3) // 0.6875
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  const y = 1 - x;
  return betaTails(x, y, Math.log(x), Math.log1p(-x), a, b)[0];
}
