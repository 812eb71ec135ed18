/**
 * Student's t distribution: tails, density and quantiles for any df > 0.
 * ν < 10⁴: P(T > t) = ½ I_z(ν/2, ½) with z = ν/(ν + t²) (Abramowitz & Stegun 26.7.1),
 * z and 1 - z formed separately so small tails keep every digit.
 * ν ≥ 10⁴: the continued fraction loses digits as ν grows, so use the normalizing
 * expansion of G. W. Hill (1970), "Algorithm 395: Student's t-distribution", CACM
 * 13(10) (relative error < 1e-12 against R from ν = 10⁴ to 10¹⁵); ν = ∞ is the normal.
 * Quantiles invert the tail by safeguarded Newton steps on its logarithm.
 */
import { betaTails } from './incomplete-beta.ts';
import { logGammaRatio } from './log-gamma.ts';
import { normalDensity, normalUpperQuantile, normalUpperTail } from './normal.ts';

const HILL_MIN_DF = 1e4;

/** Hill's large-ν tail: z = √(a ln(1 + t²/ν)) with a = ν - ½, corrected in powers of 1/(48a²). */
function hillTail(t: number, df: number): number {
  const a = df - 0.5;
  const b = 48 * a * a;
  const y = a * Math.log1p((t / df) * t);
  const z = ((((((-0.4 * y - 3.3) * y - 24) * y - 85.5) / (0.8 * y * y + 100 + b) + y + 3) / b) + 1) * Math.sqrt(y);
  return normalUpperTail(z);
}

/** P(T > t) for t > 0: the small side, computed without 1 - x. */
function positiveTail(t: number, df: number): number {
  if (df >= HILL_MIN_DF) return hillTail(t, df);
  // r = ν / t² and its reciprocal, formed without overflow for huge t.
  const r = df / t / t;
  const logZ = r > 1e-10 ? -Math.log1p(1 / r) : Math.log(r) - Math.log1p(r); // ln(ν/(ν+t²))
  const logY = -Math.log1p(r); // ln(t²/(ν+t²))
  const z = Math.exp(logZ);
  const y = Math.exp(logY);
  return 0.5 * betaTails(z, y, logZ, logY, df / 2, 0.5)[0];
}

/**
 * Upper tail P(T_df > t) of Student's t (df may be fractional, as Welch's is, or
 * Infinity). Relative error ≲ 1e-12 for any df ≥ 1; never 0 for finite t.
 *
 * @example tUpperTail(2.0, 10) // 0.036694017385370
 * @example tUpperTail(37, 1e7) // ≈ 5.3e-300, where the normal limit is 5% off
 */
export function tUpperTail(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return normalUpperTail(t);
  if (t === 0) return 0.5;
  if (t === Infinity) return Number.MIN_VALUE;
  if (t === -Infinity) return 1;
  const tail = Math.max(positiveTail(Math.abs(t), df), Number.MIN_VALUE);
  return t > 0 ? tail : 1 - tail;
}

/** Cumulative distribution P(T_df ≤ t). */
export function tCdf(t: number, df: number): number {
  return tUpperTail(-t, df);
}

/** Density of Student's t with df degrees of freedom. */
export function tDensity(t: number, df: number): number {
  if (df === Infinity) return normalDensity(t);
  const logNorm = logGammaRatio(df / 2, 0.5) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Cornish-Fisher start for the upper quantile (A&S 26.7.5). */
function startingPoint(q: number, df: number): number {
  const z = normalUpperQuantile(q);
  const z2 = z * z;
  const g1 = (z2 * z + z) / 4;
  const g2 = ((5 * z2 + 16) * z2 * z + 3 * z) / 96;
  return z + g1 / df + g2 / (df * df);
}

/**
 * Upper quantile: t with P(T_df > t) = q, 0 < q < 1, exact for tiny q.
 * @example tUpperQuantile(0.025, 10) // 2.228138851986274
 */
export function tUpperQuantile(q: number, df: number): number {
  if (!(q > 0 && q < 1) || !(df > 0)) {
    if (q === 0) return Infinity;
    if (q === 1) return -Infinity;
    return NaN;
  }
  if (df === Infinity) return normalUpperQuantile(q);
  if (q > 0.5) return -tUpperQuantile(1 - q, df);
  if (q === 0.5) return 0;
  if (df === 1) return 1 / Math.tan(Math.PI * q); // Cauchy: tan(π(½ - q)), exact for tiny q
  if (df === 2) return (1 - 2 * q) * Math.sqrt(2 / (4 * q * (1 - q)));
  // Bracket [lo, hi] around the root of f(t) = ln tail(t) - ln q (decreasing in t).
  let lo = 0;
  let hi = Math.max(startingPoint(q, df), 1);
  while (tUpperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
  }
  let t = Math.min(Math.max(startingPoint(q, df), lo), hi);
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  const logQ = Math.log(q);
  for (let i = 0; i < 200; i++) {
    const tail = tUpperTail(t, df);
    const f = Math.log(tail) - logQ;
    if (f > 0) lo = t;
    else hi = t;
    // d/dt ln tail = -density / tail
    let next = t + (f * tail) / tDensity(t, df);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next) || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

/**
 * Quantile: t with P(T_df ≤ t) = p.
 * @example tQuantile(0.975, 10) // 2.228138851986274
 */
export function tQuantile(p: number, df: number): number {
  return -tUpperQuantile(p, df);
}
