/**
 * Sample size and minimum detectable effect for two-sided two-arm tests.
 * Proportions: the closed form behind R's power.prop.test (Fleiss, Levin & Paik 2003,
 * "Statistical Methods for Rates and Proportions", eq. 4.14 without continuity
 * correction). Means: the two-sample t power of R's power.t.test, with the
 * noncentral t replaced by a shifted central t (Cohen 1988, §2.4), solved numerically.
 */
import { normalUpperQuantile } from './distributions/normal.ts';
import { tUpperQuantile, tUpperTail } from './distributions/student-t.ts';
import { StatsInputError } from './errors.ts';

type Design = { alpha?: number; power?: number };
export type ProportionDesign = Design & { kind: 'proportion'; baseline: number; relative?: boolean };
export type MeanDesign = Design & { kind: 'mean'; sd: number };
export type SampleSizeInput = (ProportionDesign | MeanDesign) & { mde: number };
export type DetectableEffectInput = (ProportionDesign | MeanDesign) & { n: number };

function probability(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new StatsInputError(argument, `must be strictly between 0 and 1, got ${String(value)}`);
  }
  return value;
}

function design(input: Design): { alpha: number; power: number } {
  return { alpha: probability(input.alpha ?? 0.05, 'alpha'), power: probability(input.power ?? 0.8, 'power') };
}

/** Users per arm (real) for rates p1 → p2: (z_{α/2}√(2p̄q̄) + z_β√(p1q1 + p2q2))² / δ². */
function proportionN(p1: number, p2: number, alpha: number, power: number): number {
  const mean = (p1 + p2) / 2;
  const a = normalUpperQuantile(alpha / 2) * Math.sqrt(2 * mean * (1 - mean));
  const b = normalUpperQuantile(1 - power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return ((a + b) / (p2 - p1)) ** 2;
}

/** Power of the two-sided two-sample t-test with n per arm and effect size d = δ/σ. */
function meanPower(n: number, effectSize: number, alpha: number): number {
  const df = 2 * (n - 1);
  return tUpperTail(tUpperQuantile(alpha / 2, df) - Math.sqrt(n / 2) * Math.abs(effectSize), df);
}

/** Solve increasing f(x) = target on [lo, hi] by bisection. */
function solve(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

function treatedRate(baseline: number, mde: number, relative: boolean): number {
  const p2 = relative ? baseline * (1 + mde) : baseline + mde;
  if (!(p2 > 0 && p2 < 1) || mde === 0) {
    throw new StatsInputError('mde', `must move the baseline to a different rate inside (0, 1), got ${p2}`);
  }
  return p2;
}

/**
 * Users needed per arm, rounded up. Matches R's power.prop.test / power.t.test n (±1).
 *
 * @example requiredSampleSize({ kind: 'proportion', baseline: 0.1, mde: 0.1, relative: true }) // 14751
 * @example requiredSampleSize({ kind: 'mean', sd: 1, mde: 0.1 }) // 1571
 */
export function requiredSampleSize(input: SampleSizeInput): number {
  const { alpha, power } = design(input);
  if (typeof input.mde !== 'number' || !Number.isFinite(input.mde) || input.mde === 0) {
    throw new StatsInputError('mde', `must be a non-zero finite number, got ${String(input.mde)}`);
  }
  if (input.kind === 'proportion') {
    const p1 = probability(input.baseline, 'baseline');
    return Math.ceil(proportionN(p1, treatedRate(p1, input.mde, input.relative ?? false), alpha, power));
  }
  if (input.kind !== 'mean') throw new StatsInputError('kind', "must be 'proportion' or 'mean'");
  if (!(input.sd > 0 && Number.isFinite(input.sd))) throw new StatsInputError('sd', `must be positive, got ${input.sd}`);
  const d = input.mde / input.sd;
  let hi = 4;
  while (meanPower(hi, d, alpha) < power) hi *= 2;
  return Math.ceil(solve((n) => meanPower(n, d, alpha), power, 2, hi));
}

/**
 * The smallest effect detectable with n users per arm (the inverse of
 * requiredSampleSize): absolute, or relative to the baseline if `relative`.
 * Proportions: the upward effect; Infinity if no rate up to 1 is detectable.
 *
 * @example minimumDetectableEffect({ kind: 'mean', sd: 1, n: 1571 }) // ≈ 0.1
 * @example minimumDetectableEffect({ kind: 'proportion', baseline: 0.1, n: 14751, relative: true }) // ≈ 0.1
 */
export function minimumDetectableEffect(input: DetectableEffectInput): number {
  const { alpha, power } = design(input);
  if (typeof input.n !== 'number' || !(input.n >= 2) || !Number.isFinite(input.n)) {
    throw new StatsInputError('n', `must be at least 2 users per arm, got ${String(input.n)}`);
  }
  const n = input.n;
  if (input.kind === 'proportion') {
    const p1 = probability(input.baseline, 'baseline');
    const maxEffect = 1 - p1;
    const needed = (delta: number) => -proportionN(p1, p1 + delta, alpha, power); // increasing in delta
    if (-needed(maxEffect * (1 - 1e-12)) > n) return Infinity;
    const delta = solve(needed, -n, 0, maxEffect * (1 - 1e-12));
    return input.relative ? delta / p1 : delta;
  }
  if (input.kind !== 'mean') throw new StatsInputError('kind', "must be 'proportion' or 'mean'");
  if (!(input.sd > 0 && Number.isFinite(input.sd))) throw new StatsInputError('sd', `must be positive, got ${input.sd}`);
  let hi = 1;
  while (meanPower(n, hi, alpha) < power) hi *= 2;
  return solve((d) => meanPower(n, d, alpha), power, 0, hi) * input.sd;
}

/**
 * How many times its current sample a one-sided non-inferiority test needs to reach `power`
 * at `margin` when the true difference is zero, given the current standard error of the
 * difference (it shrinks as 1/√k when both arms grow by k):
 * k = ((z_{1-α} + z_{power}) · se / margin)². Normal approximation; a fixed-horizon test.
 * @example nonInferiorityScale({ se: 0.004, margin: 0.002 }) // 24.7: about 25 times the users
 */
export function nonInferiorityScale(input: { se: number; margin: number; alpha?: number; power?: number }): number {
  const { alpha, power } = design(input);
  if (!(input.se >= 0 && Number.isFinite(input.se))) throw new StatsInputError('se', `must be a finite number ≥ 0, got ${input.se}`);
  if (!(input.margin > 0 && Number.isFinite(input.margin))) throw new StatsInputError('margin', `must be positive, got ${input.margin}`);
  return ((normalUpperQuantile(alpha) + normalUpperQuantile(1 - power)) * input.se / input.margin) ** 2;
}
