/**
 * The distributions to the precision each one achieves, against exact values
 * (stats/fixtures/distributions-precise.json: mpmath at 60 digits, regenerate with
 * `python3 stats/fixtures/generate-precise.py`), and at the ends of their domains.
 * fixtures.test.ts holds every p-value to R within 1e-6; here each function is held to what its
 * method achieves (Cody's normal 1e-15, the continued fractions 1e-13, Hill's expansion 2e-12),
 * so a lost correction term, a branch taken on the wrong side of its switch or a dropped digit
 * fails. The tolerances are the measured worst error over these cases with some margin, not a
 * promise beyond them.
 */
import { describe, expect, it } from 'vitest';
import { betaTails, regularizedBeta } from './incomplete-beta.ts';
import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.ts';
import { lentzStep, TINY } from './lentz.ts';
import { bd0, logBeta, logGamma, logGammaPrefactor, logGammaRatio, stirlingError } from './log-gamma.ts';
import { normalCdf, normalDensity, normalQuantile, normalUpperQuantile, normalUpperTail } from './normal.ts';
import { tCdf, tDensity, tQuantile, tUpperQuantile, tUpperTail } from './student-t.ts';
import { chiSquareUpperTail } from './chi-square.ts';
import { loadFixture } from '../testing/fixtures.ts';

type PreciseCase = { fn: string; args: number[]; expected: number };

const functions: Record<string, (...args: number[]) => number> = {
  normalUpperTail, normalCdf, normalDensity, normalQuantile, normalUpperQuantile,
  tUpperTail, tDensity, tUpperQuantile,
  logGamma, stirlingError, logGammaRatio, logBeta, bd0, logGammaPrefactor,
  regularizedGammaQ, regularizedGammaP, chiSquareUpperTail, regularizedBeta,
};

/**
 * How the error is measured and the bound it must stay under:
 * - 'relative': |actual - expected| / |expected| (tails and densities, however small);
 * - 'scaled': |actual - expected| / max(1, |expected|), for logs (whose value may be near 0 while
 *   their terms are not) and for t quantiles (near the median t → 0 while the tail it inverts is ½).
 */
function toleranceOf(fn: string, args: number[]): ['relative' | 'scaled', number] {
  switch (fn) {
    case 'normalUpperTail': case 'normalCdf': case 'normalDensity': case 'normalQuantile': case 'normalUpperQuantile':
      return ['relative', 1e-15];
    case 'tUpperTail': return ['relative', args[1] < 1000 ? 1e-13 : 2e-12];
    case 'tDensity': return ['relative', 1e-14];
    case 'tUpperQuantile': return ['scaled', args[1] < 1000 ? 5e-14 : 1e-14];
    case 'stirlingError': return ['relative', 1e-14];
    case 'logGamma': case 'logGammaRatio': case 'logBeta': case 'bd0': case 'logGammaPrefactor': return ['scaled', 1e-14];
    default: return ['relative', 1e-13]; // incomplete gamma and beta, chi-square
  }
}

function errorOf(actual: number, expected: number, kind: 'relative' | 'scaled'): number {
  if (actual === expected) return 0;
  const difference = Math.abs(actual - expected);
  return kind === 'scaled' ? difference / Math.max(1, Math.abs(expected)) : difference / Math.abs(expected);
}

describe('distributions against exact values', () => {
  const cases = loadFixture<PreciseCase>('distributions-precise');

  it('the fixture covers every function', () => {
    expect(new Set(cases.map((c) => c.fn))).toEqual(new Set(Object.keys(functions)));
    expect(cases.length).toBeGreaterThan(600);
  });

  it.each(cases.map((c) => [`${c.fn}(${c.args.join(', ')}) = ${c.expected}`, c] as const))('%s', (_name, c) => {
    const [kind, tolerance] = toleranceOf(c.fn, c.args);
    const actual = functions[c.fn](...c.args);
    expect(errorOf(actual, c.expected, kind)).toBeLessThanOrEqual(tolerance);
  });
});

describe('the ends of each domain', () => {
  it.each<[string, () => number, number]>([
    // Normal: NaN in, NaN out; the floor at the smallest double; the quantile's ends.
    ['P(Z > NaN) is NaN', () => normalUpperTail(NaN), NaN],
    ['Φ(-∞) is the smallest double', () => normalCdf(-Infinity), Number.MIN_VALUE],
    ['Φ(∞) = 1', () => normalCdf(Infinity), 1],
    ['P(Z > 38.5) = 1.4e-324 rounds below the floor: the smallest double', () => normalUpperTail(38.5), Number.MIN_VALUE],
    ['quantile 0 = -∞', () => normalQuantile(0), -Infinity],
    ['quantile 1 = ∞', () => normalQuantile(1), Infinity],
    ['quantile -0.1 is NaN', () => normalQuantile(-0.1), NaN],
    ['quantile 1.5 is NaN', () => normalQuantile(1.5), NaN],
    ['quantile ½ is +0', () => normalQuantile(0.5), 0],
    ['upper quantile 0 = ∞', () => normalUpperQuantile(0), Infinity],
    ['upper quantile 1 = -∞', () => normalUpperQuantile(1), -Infinity],
    ['upper quantile 1.1 is NaN', () => normalUpperQuantile(1.1), NaN],
    // Student's t: arguments out of range, infinite t on both methods (ν < 10⁴ and ν ≥ 10⁴).
    ['P(T > 1) with df NaN is NaN', () => tUpperTail(1, NaN), NaN],
    ['P(T > 1) with df -1 is NaN', () => tUpperTail(1, -1), NaN],
    ['P(T > NaN) with df ∞ is NaN', () => tUpperTail(NaN, Infinity), NaN],
    ['P(T > ∞) with 10⁴ df is the smallest double', () => tUpperTail(Infinity, 1e4), Number.MIN_VALUE],
    ['P(T > -∞) with 10⁴ df = 1', () => tUpperTail(-Infinity, 1e4), 1],
    ['P(T ≤ 0) = ½', () => tCdf(0, 3), 0.5],
    ['P(T ≤ -∞) with 10⁴ df is the smallest double', () => tCdf(-Infinity, 1e4), Number.MIN_VALUE],
    ['t quantile at q = -0.1 is NaN', () => tUpperQuantile(-0.1, 5), NaN],
    ['t quantile at q = NaN is NaN', () => tUpperQuantile(NaN, 5), NaN],
    ['t quantile with df -1 is NaN', () => tUpperQuantile(0.1, -1), NaN],
    ['t quantile with df NaN is NaN', () => tUpperQuantile(0.1, NaN), NaN],
    ['t lower quantile at p = 0 is -∞', () => tQuantile(0, 7), -Infinity],
    ['t lower quantile at p = 1 is ∞', () => tQuantile(1, 7), Infinity],
    // Chi-square, incomplete gamma and beta outside their support.
    ['χ² tail with df -1 is NaN', () => chiSquareUpperTail(3, -1), NaN],
    ['χ² tail with df NaN is NaN', () => chiSquareUpperTail(3, NaN), NaN],
    ['P(a, -1) = 0', () => regularizedGammaP(3, -1), 0],
    ['Q(a, ∞) = 0 on the series side too (small a)', () => regularizedGammaQ(0.5, Infinity), 0],
    ['I_x below 0 is 0', () => regularizedBeta(-0.1, 2, 3), 0],
    ['I_x above 1 is 1', () => regularizedBeta(1.1, 2, 3), 1],
    ['I_0 = 0', () => regularizedBeta(0, 2, 3), 0],
    ['I_1 = 1', () => regularizedBeta(1, 2, 3), 1],
  ])('%s', (_name, compute, expected) => expect(compute()).toBe(expected));

  it('normalUpperQuantile(q) is exactly -normalQuantile(q), the sign of 0 included', () => {
    for (const q of [0.5, 0.3, 0.7, 1e-10, 1 - 1e-10]) expect(normalUpperQuantile(q)).toBe(-normalQuantile(q));
  });

  it('tQuantile(p) is exactly -tUpperQuantile(p)', () => {
    for (const p of [0.975, 0.3, 1e-6]) expect(tQuantile(p, 10)).toBe(-tUpperQuantile(p, 10));
  });

  it('normalQuantile of a subnormal p gives Acklam\'s value when Halley\'s step would overflow', () => {
    // exp(x²/2) overflows at x = -38.27, so the refinement stops at Acklam's 1.15e-9; exact: -38.269125343032651
    const x = normalQuantile(1e-320);
    expect(Math.abs(x + 38.269125343032651) / 38.269125343032651).toBeLessThan(1e-8);
  });

  it('normalUpperTail(38) is subnormal and still right to 1e-6 (2.8854283600687843e-316)', () => {
    expect(Math.abs(normalUpperTail(38) - 2.8854283600687843e-316) / 2.8854283600687843e-316).toBeLessThan(1e-6);
  });

  it('tDensity with ∞ df is the normal density, and the t tail the normal tail', () => {
    expect(tDensity(1.5, Infinity)).toBe(normalDensity(1.5));
    expect(tUpperTail(1.5, Infinity)).toBe(normalUpperTail(1.5));
  });

  it('betaTails at the ends: x = 0 is all upper, y = 0 all lower', () => {
    expect(betaTails(0, 1, -Infinity, 0, 2, 3)).toEqual([0, 1]);
    expect(betaTails(1, 0, 0, -Infinity, 2, 3)).toEqual([1, 0]);
  });

  it('a Lentz step whose denominators are 0 replaces them by TINY and stays finite', () => {
    // D = 1 / (0 + 0·1) and C = 0 + 0/1 would divide by 0 and make h NaN (Numerical Recipes' FPMIN guard).
    const state = { c: 1, d: 1, h: 1 };
    const delta = lentzStep(state, 0, 0);
    expect(state.c).toBe(TINY);
    expect(state.d).toBe(1 / TINY);
    expect(Math.abs(delta - 1)).toBeLessThan(1e-15);
    expect(Math.abs(state.h - 1)).toBeLessThan(1e-15);
  });

  // Known limits of tUpperTail found while writing these tests (reported, not yet fixed in student-t.ts):
  it.skip('P(T > t) for ν/t² below the smallest normal double (t = 1e160, 1.5 df: 3.7708524320162464e-241)', () => {
    // Skipped: ν/t/t is subnormal here, positiveTail loses digits (8e-6 off) and from t ≈ 1e162 returns the
    // floor, so tUpperQuantile(1e-300, 1.5) gives 7.8e161 instead of 5.2e199.
    expect(Math.abs(tUpperTail(1e160, 1.5) - 3.7708524320162464e-241) / 3.7708524320162464e-241).toBeLessThan(1e-13);
  });

  it.skip('P(T > t) with ν ≥ 10⁴ and t² past the largest double is the floor, not NaN', () => {
    // Skipped: hillTail forms t/ν·t, which overflows for t > 1.3e156 (ν = 10⁴): y = ∞, z = NaN.
    expect(tUpperTail(1e200, 1e4)).toBe(Number.MIN_VALUE);
  });
});
