/**
 * One step of the modified Lentz method for a continued fraction b0 + a1/(b1 + a2/(b2 + ...))
 * (Press et al., Numerical Recipes 3rd ed. §5.2), shared by the incomplete beta and gamma.
 */

/** Below this, a partial denominator is replaced by it (NR's FPMIN), so nothing divides by zero. */
export const TINY = 1e-300;

/** The running state: the convergents' ratios C and D, and the value so far, h. */
export type LentzState = { c: number; d: number; h: number };

/**
 * Takes the next term a/(b + ...) into `state` and returns the factor h was multiplied by;
 * the fraction has converged when that factor is 1 to working precision.
 * 1. D = 1 / (b + a·D); 2. C = b + a / C (each kept away from 0 by TINY); 3. h ← h·C·D.
 */
export function lentzStep(state: LentzState, a: number, b: number): number {
  let d = b + a * state.d;
  if (Math.abs(d) < TINY) d = TINY;
  let c = b + a / state.c;
  if (Math.abs(c) < TINY) c = TINY;
  d = 1 / d;
  state.c = c;
  state.d = d;
  const delta = d * c;
  state.h *= delta;
  return delta;
}
