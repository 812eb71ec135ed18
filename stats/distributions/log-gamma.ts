/**
 * Log-gamma and the two helpers that keep large-argument densities exact.
 * Loader (2000), "Fast and Accurate Computation of Binomial Probabilities": write
 * ln Γ(a) with Stirling's error δ(a) and x ln(x/m) + m - x with a cancellation-free
 * bd0, so densities with a, x ≈ 10^7 keep full relative precision.
 */

const LN_SQRT_2PI = 0.9189385332046727; // ln √(2π)

/** Stirling coefficients B_2k / (2k (2k-1)): 1/12, 1/360, 1/1260, ... */
const STIRLING = [
  1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400,
];

/**
 * Stirling's error δ(a) = ln Γ(a) - [(a - ½) ln a - a + ln √(2π)], for a ≥ 10
 * (asymptotic series; at a = 10 the eighth term is below 1e-17).
 */
export function stirlingError(a: number): number {
  const inv2 = 1 / (a * a);
  let sum = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) sum = sum * inv2 + STIRLING[k];
  return sum / a;
}

/** ln Γ(x) for x > 0, accurate to a few ulps (recurrence up to 10, then Stirling). */
export function logGamma(x: number): number {
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingError(x);
  // Γ(x) = Γ(x + k) / (x (x+1) ... (x+k-1)); the product is exact to rounding.
  let product = 1;
  let y = x;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + stirlingError(y) - Math.log(product);
}

/** ln Γ(a + b) - ln Γ(a) without the cancellation of two huge log-gammas. */
export function logGammaRatio(a: number, b: number): number {
  if (a < 10 || a + b < 10) return logGamma(a + b) - logGamma(a);
  // (a+b-½) ln(a+b) - (a-½) ln a - b = (a-½) log1p(b/a) + b ln(a+b) - b
  return (
    (a - 0.5) * Math.log1p(b / a) + b * Math.log(a + b) - b +
    stirlingError(a + b) - stirlingError(a)
  );
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b), stable when one argument is huge. */
export function logBeta(a: number, b: number): number {
  const [small, large] = a < b ? [a, b] : [b, a];
  return logGamma(small) - logGammaRatio(large, small);
}

/**
 * Loader's deviance term bd0(x, m) = x ln(x/m) + m - x ≥ 0, by a series when x ≈ m
 * (where the direct formula cancels catastrophically).
 */
export function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/** ln(x^a e^-x / Γ(a)), the prefactor of the incomplete gamma function. */
export function logGammaPrefactor(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - logGamma(a);
  // a ln x - x - ln Γ(a) = -bd0(a, x) + ½ ln a - ln √(2π) - δ(a)
  return -bd0(a, x) + 0.5 * Math.log(a) - LN_SQRT_2PI - stirlingError(a);
}
