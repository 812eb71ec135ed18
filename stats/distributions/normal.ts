/**
 * Standard normal distribution with full relative accuracy in both tails.
 * Tails: W. J. Cody (1969), "Rational Chebyshev approximations for the error
 * function", Math. Comp. 23, 631-637 (coefficients as in his SPECFUN routine ANORM).
 * Quantile: P. J. Acklam's rational approximation (2003), refined by Halley steps.
 */

const SQRT_32 = 5.656854249492380195;
const INV_SQRT_2PI = 0.398942280401432677940;
const SQRT_2PI = 2.506628274631000502;

// |x| ≤ 0.674: erf-type approximation
const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
// 0.674 < |x| ≤ √32: erfc-type approximation
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226,
  2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218,
  1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755,
  18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
// |x| > √32: asymptotic expansion in 1/x²
const P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

/** exp(-y²/2) · factor, splitting y² so the exponent is exact (Cody's trick). */
function gaussianTimes(y: number, factor: number): number {
  const ySplit = Math.trunc(y * 16) / 16;
  const del = (y - ySplit) * (y + ySplit);
  const value = Math.exp(-ySplit * ySplit * 0.5) * Math.exp(-del * 0.5) * factor;
  if (value > 0) return value;
  // Deep tail: work in logs so the result is the nearest representable, not 0.
  return Math.max(Math.exp(-0.5 * y * y + Math.log(factor)), Number.MIN_VALUE);
}

/** P(Z > y) for y > 0.674 (the "small tail" side), never computed as 1 - x. */
function smallTail(y: number): number {
  if (y <= SQRT_32) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    return gaussianTimes(y, (num + C[7]) / (den + D[7]));
  }
  const inv = 1 / (y * y);
  let num = P[5] * inv;
  let den = inv;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]) * inv;
    den = (den + Q[i]) * inv;
  }
  const r = (INV_SQRT_2PI - (inv * (num + P[4])) / (den + Q[4])) / y;
  return gaussianTimes(y, r);
}

/**
 * Upper tail P(Z > z) of the standard normal, relative error ~1e-15 for all z
 * (floored at the smallest positive double, so never 0).
 *
 * @example normalUpperTail(1.959963984540054) // 0.025
 * @example normalUpperTail(37) // 5.725571e-300
 */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const y = Math.abs(z);
  if (y <= 0.67448975) {
    const sq = z * z;
    let num = A[4] * sq;
    let den = sq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]) * sq;
      den = (den + B[i]) * sq;
    }
    return 0.5 - (z * (num + A[3])) / (den + B[3]);
  }
  if (y === Infinity) return z > 0 ? Number.MIN_VALUE : 1;
  const tail = smallTail(y);
  return z > 0 ? tail : 1 - tail;
}

/**
 * Cumulative distribution P(Z ≤ z) of the standard normal.
 * @example normalCdf(-1.959963984540054) // 0.025
 */
export function normalCdf(z: number): number {
  return normalUpperTail(-z);
}

/** Standard normal density φ(z). */
export function normalDensity(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

// Acklam's coefficients (central region and tails)
const AC = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const BC = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const CC = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const DC = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Acklam's approximation (relative error < 1.15e-9) of the lower quantile for p ≤ ½. */
function acklam(p: number): number {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((CC[0] * q + CC[1]) * q + CC[2]) * q + CC[3]) * q + CC[4]) * q + CC[5]) /
      ((((DC[0] * q + DC[1]) * q + DC[2]) * q + DC[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((AC[0] * r + AC[1]) * r + AC[2]) * r + AC[3]) * r + AC[4]) * r + AC[5]) * q) /
    (((((BC[0] * r + BC[1]) * r + BC[2]) * r + BC[3]) * r + BC[4]) * r + 1);
}

/** z with P(Z ≤ z) = p for p ≤ ½, refined by Halley's method on the accurate tail. */
function lowerQuantile(p: number): number {
  let x = acklam(p);
  for (let i = 0; i < 2; i++) {
    const e = normalUpperTail(-x) - p;
    // e / φ(x), written to avoid overflow of exp(x²/2) in the deep tail
    const u = (e * SQRT_2PI) * Math.exp(0.5 * x * x);
    if (!Number.isFinite(u)) break;
    x -= u / (1 + 0.5 * x * u);
  }
  return x;
}

/**
 * Quantile of the standard normal: z with P(Z ≤ z) = p, for 0 < p < 1.
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  return p <= 0.5 ? lowerQuantile(p) : -lowerQuantile(1 - p);
}

/**
 * Upper quantile: z with P(Z > z) = q; exact for tiny q, where 1 - q would round.
 * @example normalUpperQuantile(1e-10) // 6.361340902404056
 */
export function normalUpperQuantile(q: number): number {
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  if (!(q > 0 && q < 1)) return NaN;
  return q <= 0.5 ? -lowerQuantile(q) : lowerQuantile(1 - q);
}
