/** The distributions against closed forms (no fixture needed) and at their special values:
 *  Γ(n) = (n-1)!, I_x(a, 1) = x^a, Q(1, x) = e^-x, Q(½, x) = erfc(√x), χ²₂ tail = e^-x/2,
 *  Cauchy (t with 1 df) and t with 2 df in closed form, ±Infinity, 0, 1 and NaN.
 *  Each row holds a function that computes the value inside its test, not the value: a value
 *  computed while the file is collected is never checked against a Stryker mutant (the runner
 *  switches a mutant on only when the tests start). */
import { describe, expect, it } from 'vitest';
import {
  chiSquareUpperTail,
  logBeta,
  logGamma,
  normalCdf,
  normalDensity,
  normalQuantile,
  normalUpperQuantile,
  normalUpperTail,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  tCdf,
  tDensity,
  tQuantile,
  tUpperQuantile,
  tUpperTail,
} from './index.ts';
import { bd0, logGammaPrefactor, logGammaRatio, stirlingError } from './log-gamma.ts';
import { betaTails } from './incomplete-beta.ts';

const lnFactorial = (n: number) => { let s = 0; for (let k = 2; k <= n; k++) s += Math.log(k); return s; };
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('log-gamma family', () => {
  it.each<[string, () => number, number]>([
    ['lnΓ(1) = 0', () => logGamma(1), 0],
    ['lnΓ(5) = ln 24', () => logGamma(5), Math.log(24)],
    ['lnΓ(½) = ln √π', () => logGamma(0.5), 0.5 * Math.log(Math.PI)],
    ['lnΓ(3.5) = ln(15√π / 8)', () => logGamma(3.5), Math.log((15 * Math.sqrt(Math.PI)) / 8)],
    ['lnΓ(10) = ln 9! (the Stirling branch)', () => logGamma(10), lnFactorial(9)],
    ['lnΓ(30) = ln 29!', () => logGamma(30), lnFactorial(29)],
    ['lnΓ(20.5) = ln(40! √π / (4^20 20!))', () => logGamma(20.5), lnFactorial(40) + 0.5 * Math.log(Math.PI) - 20 * Math.log(4) - lnFactorial(20)],
    ['ln B(2, 3) = ln(1/12)', () => logBeta(2, 3), Math.log(1 / 12)],
    ['ln B(3, 2) = ln(1/12)', () => logBeta(3, 2), Math.log(1 / 12)],
    ['ln B(20, 15) = lnΓ(20) + lnΓ(15) - lnΓ(35)', () => logBeta(20, 15), lnFactorial(19) + lnFactorial(14) - lnFactorial(34)],
    ['ln Γ(12)/Γ(10) = ln 110 (a < 10 is not taken: a = 10)', () => logGammaRatio(10, 2), Math.log(110)],
    ['ln Γ(25)/Γ(20) = ln(20·21·22·23·24)', () => logGammaRatio(20, 5), Math.log(20 * 21 * 22 * 23 * 24)],
    ['ln Γ(7)/Γ(4) = ln(4·5·6)', () => logGammaRatio(4, 3), Math.log(120)],
    ['δ(10) = lnΓ(10) - (9.5 ln 10 - 10 + ln √2π)', () => stirlingError(10), lnFactorial(9) - (9.5 * Math.log(10) - 10 + 0.5 * Math.log(2 * Math.PI))],
    ['bd0(x, m) near m: x ln(x/m) + m - x', () => bd0(100, 101), 100 * Math.log(100 / 101) + 1],
    ['bd0(x, m) far from m', () => bd0(10, 30), 10 * Math.log(10 / 30) + 20],
    ['a ln x - x - lnΓ(a), small a', () => logGammaPrefactor(3, 2), 3 * Math.log(2) - 2 - Math.log(2)],
    ['a ln x - x - lnΓ(a), large a', () => logGammaPrefactor(20, 18), 20 * Math.log(18) - 18 - lnFactorial(19)],
  ])('%s', (_name, compute, expected) => {
    const actual = compute();
    if (expected === 0) expect(Math.abs(actual)).toBeLessThan(1e-14);
    else expect(relative(actual, expected)).toBeLessThan(1e-12);
  });

  it('bd0(x, x) = 0', () => expect(bd0(50, 50)).toBe(0));
});

describe('incomplete gamma and beta', () => {
  it.each<[string, () => number, number]>([
    ['Q(1, 0.5) = e^-0.5 (series branch)', () => regularizedGammaQ(1, 0.5), Math.exp(-0.5)],
    ['Q(1, 5) = e^-5 (fraction branch)', () => regularizedGammaQ(1, 5), Math.exp(-5)],
    ['P(1, 0.5) = 1 - e^-0.5', () => regularizedGammaP(1, 0.5), -Math.expm1(-0.5)],
    ['P(1, 5) = 1 - e^-5', () => regularizedGammaP(1, 5), -Math.expm1(-5)],
    ['Q(2, 3) = 4e^-3', () => regularizedGammaQ(2, 3), 4 * Math.exp(-3)],
    ['P(2, 1) = 1 - 2/e', () => regularizedGammaP(2, 1), 1 - 2 * Math.exp(-1)],
    ['Q(½, 2) = erfc(√2) = 2 P(Z > 2)', () => regularizedGammaQ(0.5, 2), 2 * normalUpperTail(2)],
    ['Q(½, 0.3) = 2 P(Z > √0.6)', () => regularizedGammaQ(0.5, 0.3), 2 * normalUpperTail(Math.sqrt(0.6))],
    ['Q(15, 40): e^-40 Σ 40^k/k!, k < 15', () => regularizedGammaQ(15, 40), (() => { let s = 0; for (let k = 0; k < 15; k++) s += Math.exp(k * Math.log(40) - 40 - lnFactorial(k)); return s; })()],
    ['I_0.3(2, 1) = 0.09', () => regularizedBeta(0.3, 2, 1), 0.09],
    ['I_0.9(3, 1) = 0.729 (upper branch)', () => regularizedBeta(0.9, 3, 1), 0.729],
    ['I_0.2(1, 3) = 1 - 0.8³', () => regularizedBeta(0.2, 1, 3), 1 - 0.512],
    ['I_0.5(4, 4) = ½ by symmetry', () => regularizedBeta(0.5, 4, 4), 0.5],
    ['I_0.25(2, 2) = 3x² - 2x³', () => regularizedBeta(0.25, 2, 2), 3 * 0.0625 - 2 * 0.015625],
    ['I_0.75(2, 2) = 3x² - 2x³', () => regularizedBeta(0.75, 2, 2), 3 * 0.5625 - 2 * 0.421875],
  ])('%s', (_name, compute, expected) => {
    const actual = compute();
    expect(relative(actual, expected)).toBeLessThan(1e-12);
  });

  it.each<[string, () => number, number]>([
    ['Q(a, 0) = 1', () => regularizedGammaQ(3, 0), 1],
    ['Q(a, -1) = 1', () => regularizedGammaQ(3, -1), 1],
    ['Q(a, ∞) = 0', () => regularizedGammaQ(3, Infinity), 0],
    ['P(a, 0) = 0', () => regularizedGammaP(3, 0), 0],
    ['P(a, ∞) = 1', () => regularizedGammaP(3, Infinity), 1],
  ])('%s', (_name, compute, expected) => expect(compute()).toBe(expected));

  it('betaTails at the ends: x = 0 is all upper, y = 0 all lower', () => {
    expect(betaTails(0, 1, -Infinity, 0, 2, 3)).toEqual([0, 1]);
    expect(betaTails(1, 0, 0, -Infinity, 2, 3)).toEqual([1, 0]);
  });

  it('betaTails returns both tails, summing to 1', () => {
    const [lower, upper] = betaTails(0.3, 0.7, Math.log(0.3), Math.log(0.7), 2, 1);
    expect(lower).toBeCloseTo(0.09, 14);
    expect(upper).toBeCloseTo(0.91, 14);
  });
});

describe('normal', () => {
  it.each<[string, () => number, number]>([
    ['φ(0) = 1/√(2π)', () => normalDensity(0), 1 / Math.sqrt(2 * Math.PI)],
    ['φ(2) = e^-2/√(2π)', () => normalDensity(2), Math.exp(-2) / Math.sqrt(2 * Math.PI)],
    ['P(Z > 0) = ½', () => normalUpperTail(0), 0.5],
    ['P(Z > 1.959963984540054) = 0.025', () => normalUpperTail(1.959963984540054), 0.025],
    ['P(Z > -1.959963984540054) = 0.975', () => normalUpperTail(-1.959963984540054), 0.975],
    ['P(Z > 0.5) = 0.3085375387259869', () => normalUpperTail(0.5), 0.3085375387259869],
    ['P(Z > -0.5) = 0.6914624612740131', () => normalUpperTail(-0.5), 0.6914624612740131],
    ['P(Z > 10) = 7.619853024160526e-24', () => normalUpperTail(10), 7.619853024160526e-24],
    ['P(Z > 37) = 5.725571e-300', () => normalUpperTail(37), 5.7255712225239e-300],
    ['Φ(-1.959963984540054) = 0.025', () => normalCdf(-1.959963984540054), 0.025],
    ['quantile 0.975', () => normalQuantile(0.975), 1.959963984540054],
    ['quantile 0.025', () => normalQuantile(0.025), -1.959963984540054],
    ['quantile 0.01 (Acklam\'s tail)', () => normalQuantile(0.01), -2.3263478740408408],
    ['quantile 1e-10', () => normalQuantile(1e-10), -6.361340902404056],
    ['quantile 0.5', () => normalQuantile(0.5), 0],
    ['upper quantile 1e-10', () => normalUpperQuantile(1e-10), 6.361340902404056],
    ['upper quantile 0.975', () => normalUpperQuantile(0.975), -1.959963984540054],
    ['upper quantile 0.2', () => normalUpperQuantile(0.2), 0.8416212335729143],
  ])('%s', (_name, compute, expected) => {
    const actual = compute();
    if (expected === 0 || expected === 0.5) expect(actual).toBe(expected);
    else expect(relative(actual, expected)).toBeLessThan(1e-9);
  });

  it.each<[string, () => number, number]>([
    ['P(Z > NaN)', () => normalUpperTail(NaN), NaN],
    ['P(Z > ∞) is the smallest double', () => normalUpperTail(Infinity), Number.MIN_VALUE],
    ['P(Z > -∞) = 1', () => normalUpperTail(-Infinity), 1],
    ['quantile 0 = -∞', () => normalQuantile(0), -Infinity],
    ['quantile 1 = ∞', () => normalQuantile(1), Infinity],
    ['quantile 1.5 is NaN', () => normalQuantile(1.5), NaN],
    ['quantile NaN is NaN', () => normalQuantile(NaN), NaN],
    ['upper quantile 0 = ∞', () => normalUpperQuantile(0), Infinity],
    ['upper quantile 1 = -∞', () => normalUpperQuantile(1), -Infinity],
    ['upper quantile -0.1 is NaN', () => normalUpperQuantile(-0.1), NaN],
  ])('%s', (_name, compute, expected) => expect(compute()).toBe(expected));
});

describe("Student's t", () => {
  it.each<[string, () => number, number]>([
    ['Cauchy tail P(T₁ > 1) = ¼', () => tUpperTail(1, 1), 0.25],
    ['Cauchy tail P(T₁ > -1) = ¾', () => tUpperTail(-1, 1), 0.75],
    ['t₂ tail: ½ - t / (2√(t² + 2)) at t = 1', () => tUpperTail(1, 2), 0.5 - 1 / (2 * Math.sqrt(3))],
    ['P(T₁₀ > 2) = 0.036694017385370', () => tUpperTail(2, 10), 0.03669401738537],
    ['P(T₁₀ ≤ 2) = 1 - 0.036694017385370', () => tCdf(2, 10), 1 - 0.03669401738537],
    ['Cauchy density 1/(π(1 + t²)) at 2', () => tDensity(2, 1), 1 / (5 * Math.PI)],
    ['t₂ density (2 + t²)^-3/2 at 1', () => tDensity(1, 2), Math.pow(3, -1.5)],
    ['t density with ∞ df is the normal one', () => tDensity(1.5, Infinity), normalDensity(1.5)],
    ['P(T∞ > 1.5) is the normal tail', () => tUpperTail(1.5, Infinity), normalUpperTail(1.5)],
    ['Cauchy quantile: tan(π/4) = 1 at q = ¼', () => tUpperQuantile(0.25, 1), 1],
    ['Cauchy quantile at q = 1e-10 is 1/tan(π·1e-10)', () => tUpperQuantile(1e-10, 1), 1 / Math.tan(Math.PI * 1e-10)],
    ['t₂ quantile at 0.025: 4.302652729911275', () => tUpperQuantile(0.025, 2), 4.302652729911275],
    ['t₁₀ upper quantile 0.025', () => tUpperQuantile(0.025, 10), 2.228138851986274],
    ['t₁₀ upper quantile 0.975', () => tUpperQuantile(0.975, 10), -2.228138851986274],
    ['t₁₀ quantile 0.975', () => tQuantile(0.975, 10), 2.228138851986274],
    ['t with ∞ df: the normal quantile', () => tUpperQuantile(0.05, Infinity), 1.6448536269514722],
    ['t₃₀ upper quantile 0.05 = 1.697260886', () => tUpperQuantile(0.05, 30), 1.6972608865939587],
  ])('%s', (_name, compute, expected) => {
    const actual = compute();
    expect(relative(actual, expected)).toBeLessThan(1e-9);
  });

  it('the deep-tail quantile inverts the tail', () => {
    expect(relative(tUpperTail(tUpperQuantile(1e-12, 5), 5), 1e-12)).toBeLessThan(1e-9);
    expect(relative(tUpperTail(tUpperQuantile(0.3, 7), 7), 0.3)).toBeLessThan(1e-12);
  });

  it.each<[string, () => number, number]>([
    ['t = NaN', () => tUpperTail(NaN, 5), NaN],
    ['df = 0', () => tUpperTail(1, 0), NaN],
    ['df = -1', () => tUpperTail(1, -1), NaN],
    ['t = 0 gives ½', () => tUpperTail(0, 5), 0.5],
    ['t = ∞ gives the smallest double', () => tUpperTail(Infinity, 5), Number.MIN_VALUE],
    ['t = -∞ gives 1', () => tUpperTail(-Infinity, 5), 1],
    ['quantile at q = 0 is ∞', () => tUpperQuantile(0, 5), Infinity],
    ['quantile at q = 1 is -∞', () => tUpperQuantile(1, 5), -Infinity],
    ['quantile at q = 1.2 is NaN', () => tUpperQuantile(1.2, 5), NaN],
    ['quantile with df 0 is NaN', () => tUpperQuantile(0.1, 0), NaN],
    ['quantile at q = ½ is 0', () => tUpperQuantile(0.5, 5), 0],
  ])('%s', (_name, compute, expected) => expect(compute()).toBe(expected));
});

describe('chi-square', () => {
  it.each<[string, () => number, number]>([
    ['2 df: e^-x/2', () => chiSquareUpperTail(3, 2), Math.exp(-1.5)],
    ['1 df: 2 P(Z > √x)', () => chiSquareUpperTail(3.841458820694124, 1), 0.05],
    ['4 df: e^-x/2 (1 + x/2)', () => chiSquareUpperTail(10, 4), Math.exp(-5) * 6],
  ])('%s', (_name, compute, expected) => {
    const actual = compute();
    expect(relative(actual, expected)).toBeLessThan(1e-12);
  });

  it.each<[string, () => number, number]>([
    ['x = NaN', () => chiSquareUpperTail(NaN, 2), NaN],
    ['df = 0', () => chiSquareUpperTail(3, 0), NaN],
    ['x = 0 gives 1', () => chiSquareUpperTail(0, 3), 1],
    ['x < 0 gives 1', () => chiSquareUpperTail(-2, 3), 1],
    ['x = ∞ gives the smallest double', () => chiSquareUpperTail(Infinity, 3), Number.MIN_VALUE],
  ])('%s', (_name, compute, expected) => expect(compute()).toBe(expected));
});
