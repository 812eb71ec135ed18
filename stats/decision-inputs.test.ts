/** The statistics a decision reads, by hand: non-inferiority (statistic, p, bound, both
 *  directions, se = 0), chance to beat control, and SRM with unequal weights; exact errors. */
import { describe, expect, it } from 'vitest';
import {
  chanceToBeatControl,
  compareProportions,
  normalCdf,
  normalUpperTail,
  sampleRatioMismatch,
  SRM_THRESHOLD,
  StatsInputError,
  testNonInferiority,
  type Comparison,
} from './index.ts';

const Z95 = 1.6448536269514722; // qnorm(0.95)
const Z99 = 2.3263478740408408; // qnorm(0.99)

// 1,000 / 10,000 vs 1,100 / 10,000: d = 0.01, se = √(0.1·0.9/1e4 + 0.11·0.89/1e4) = √1.879e-5
const rates = compareProportions({ n: 10_000, conversions: 1_000 }, { n: 10_000, conversions: 1_100 });
const se = Math.sqrt(1.879e-5);

/** A fixed-horizon comparison with the given absolute estimate and se (z test). */
const comparison = (estimate: number, seValue: number): Comparison => ({
  control: 0.1, treatment: 0.1 + estimate, absolute: { estimate, se: seValue, ci: [estimate, estimate] }, relative: null,
  statistic: 0, df: Infinity, pValue: 1, significant: false,
});

describe('testNonInferiority', () => {
  it('the comparison it reads', () => {
    expect(rates.absolute.estimate).toBeCloseTo(0.01, 15);
    expect(rates.absolute.se).toBeCloseTo(se, 15);
    expect(rates.df).toBe(Infinity);
  });

  // [name, options, statistic, p, bound, nonInferior]
  it.each<[string, Parameters<typeof testNonInferiority>[1], number, number, number, boolean]>([
    ['higher is better: (d + m) / se', { margin: 0.005 }, 0.015 / se, normalUpperTail(0.015 / se), 0.01 - Z95 * se, true],
    ['lower is better: (-d + m) / se', { margin: 0.005, higherIsBetter: false }, -0.005 / se, normalUpperTail(-0.005 / se), 0.01 + Z95 * se, false],
    ['alpha 0.01 widens the bound', { margin: 0.005, alpha: 0.01 }, 0.015 / se, normalUpperTail(0.015 / se), 0.01 - Z99 * se, true],
  ])('%s', (_name, options, statistic, pValue, bound, nonInferior) => {
    const result = testNonInferiority(rates, options);
    expect(result.statistic).toBeCloseTo(statistic, 10);
    expect(result.pValue).toBeCloseTo(pValue, 12);
    expect(result.bound).toBeCloseTo(bound, 12);
    expect(result.nonInferior).toBe(nonInferior);
  });

  it('is non-inferior exactly when p < alpha', () => {
    // d = 0, se = 0.01, margin 0.017: statistic 1.7 > z.95, p = 0.0446 < 0.05; at alpha 0.04 it is not enough
    const flat = comparison(0, 0.01);
    expect(testNonInferiority(flat, { margin: 0.017 }).pValue).toBeCloseTo(normalUpperTail(1.7), 12);
    expect(testNonInferiority(flat, { margin: 0.017 }).nonInferior).toBe(true);
    expect(testNonInferiority(flat, { margin: 0.017, alpha: 0.04 }).nonInferior).toBe(false);
  });

  it.each<[string, Comparison, Parameters<typeof testNonInferiority>[1], ReturnType<typeof testNonInferiority>]>([
    ['se = 0 inside the margin', comparison(-0.004, 0), { margin: 0.005 }, { statistic: Infinity, pValue: Number.MIN_VALUE, bound: -0.004, nonInferior: true }],
    ['se = 0 past the margin', comparison(-0.006, 0), { margin: 0.005 }, { statistic: -Infinity, pValue: 1, bound: -0.006, nonInferior: false }],
    ['se = 0 exactly at the margin', comparison(-0.005, 0), { margin: 0.005 }, { statistic: -Infinity, pValue: 1, bound: -0.005, nonInferior: false }],
    ['se = 0, lower is better, inside', comparison(0.004, 0), { margin: 0.005, higherIsBetter: false }, { statistic: Infinity, pValue: Number.MIN_VALUE, bound: 0.004, nonInferior: true }],
  ])('%s', (_name, c, options, expected) => {
    expect(testNonInferiority(c, options)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof testNonInferiority>[1], string]>([
    ['margin 0', { margin: 0 }, 'options.margin: must be positive, got 0'],
    ['negative margin', { margin: -0.1 }, 'options.margin: must be positive, got -0.1'],
    ['infinite margin', { margin: Infinity }, 'options.margin: must be positive, got Infinity'],
    ['alpha 0', { margin: 0.1, alpha: 0 }, 'options.alpha: must be between 0 and 1, got 0'],
    ['alpha 1', { margin: 0.1, alpha: 1 }, 'options.alpha: must be between 0 and 1, got 1'],
  ])('refuses %s', (_name, options, message) => {
    const call = () => testNonInferiority(rates, options);
    expect(call).toThrow(StatsInputError);
    expect(call).toThrow(message);
  });
});

describe('chanceToBeatControl', () => {
  it.each<[string, () => number, number]>([
    ['two rate arms: Φ(d / se)', () => chanceToBeatControl({ n: 10_000, conversions: 1_000 }, { n: 10_000, conversions: 1_100 }), normalCdf(0.01 / se)],
    ['a comparison', () => chanceToBeatControl(rates), normalCdf(0.01 / se)],
    // means 5 and 5.5, variances (300 - 250)/9 and (400 - 363)/11: se² = 50/81·... by the sums
    ['two mean arms', () => chanceToBeatControl({ n: 10, sum: 50, sumSquares: 300 }, { n: 12, sum: 66, sumSquares: 400 }),
      normalCdf(0.5 / Math.sqrt((300 - 250) / 9 / 10 + (400 - 363) / 11 / 12))],
    ['a worse treatment is below one half', () => chanceToBeatControl(comparison(-0.01, 0.01)), normalCdf(-1)],
    ['se = 0, better', () => chanceToBeatControl(comparison(0.01, 0)), 1],
    ['se = 0, worse', () => chanceToBeatControl(comparison(-0.01, 0)), 0],
    ['se = 0, equal', () => chanceToBeatControl(comparison(0, 0)), 0.5],
  ])('%s', (_name, call, expected) => {
    expect(call()).toBeCloseTo(expected, 12);
  });

  it('≈ 0.9895 in the docstring example', () => {
    expect(chanceToBeatControl({ n: 10_000, conversions: 1_000 }, { n: 10_000, conversions: 1_100 })).toBeCloseTo(0.98947, 5);
  });

  it.each<[string, () => number, string, string]>([
    ['no comparison', () => chanceToBeatControl(undefined as never), 'comparison', 'comparison: must be a Comparison or two arms'],
    ['a comparison without absolute', () => chanceToBeatControl({ pValue: 0.1 } as never), 'comparison', 'comparison: must be a Comparison or two arms'],
    ['a mean arm against a rate arm', () => chanceToBeatControl({ n: 10, sum: 5, sumSquares: 5 } as never, { n: 10, conversions: 5 } as never),
      'treatment', 'treatment: must be the same kind of statistics as control'],
  ])('refuses %s', (_name, call, argument, message) => {
    expect(call).toThrow(StatsInputError);
    expect(call).toThrow(expect.objectContaining({ argument, message }));
  });
});

describe('sampleRatioMismatch', () => {
  it('flags below p = 0.001', () => expect(SRM_THRESHOLD).toBe(0.001));

  it.each<[string, number[], number[], { chiSquare: number; df: number; pValue: number; mismatch: boolean }]>([
    // expected 110 each: (100 + 100 + 400) / 110; df 2: p = exp(-χ²/2)
    ['three arms', [100, 100, 130], [1, 1, 1], { chiSquare: 600 / 110, df: 2, pValue: Math.exp(-300 / 110), mismatch: false }],
    ['80/20 as configured', [800, 200], [4, 1], { chiSquare: 0, df: 1, pValue: 1, mismatch: false }],
    ['80/20 as configured, weights as fractions', [800, 200], [0.8, 0.2], { chiSquare: 0, df: 1, pValue: 1, mismatch: false }],
    // expected 500 each: 2 · 300² / 500
    ['80/20 against 50/50', [800, 200], [1, 1], { chiSquare: 360, df: 1, pValue: 2.8156843046193744e-80, mismatch: true }],
    // expected 400 and 100 of 500: 100²/400 + 100²/100
    ['50/50 against 80/20', [300, 200], [4, 1], { chiSquare: 125, df: 1, pValue: normalUpperTail(Math.sqrt(125)) * 2, mismatch: true }],
    ['an empty arm is a count of 0', [0, 10], [1, 1], { chiSquare: 10, df: 1, pValue: normalUpperTail(Math.sqrt(10)) * 2, mismatch: false }],
  ])('%s', (_name, observed, weights, expected) => {
    const result = sampleRatioMismatch(observed, weights);
    expect(result.df).toBe(expected.df);
    expect(result.mismatch).toBe(expected.mismatch);
    expect(result.chiSquare).toBeCloseTo(expected.chiSquare, 10);
    expect(result.pValue / expected.pValue).toBeCloseTo(1, 9);
  });

  it.each<[string, () => unknown, string, string]>([
    ['one arm', () => sampleRatioMismatch([100], [1]), 'observed', 'observed: must list the size of at least two arms'],
    ['not an array', () => sampleRatioMismatch('100,100' as never, [1, 1]), 'observed', 'observed: must list the size of at least two arms'],
    ['weights not an array', () => sampleRatioMismatch([100, 100], null as never), 'expectedWeights', 'expectedWeights: must have one weight per arm (2)'],
    ['too few weights', () => sampleRatioMismatch([100, 100, 100], [1, 1]), 'expectedWeights', 'expectedWeights: must have one weight per arm (3)'],
    ['a zero weight', () => sampleRatioMismatch([100, 100], [0, 1]), 'expectedWeights[0]', 'expectedWeights[0]: must be positive (drop arms that get no traffic)'],
    ['a negative weight', () => sampleRatioMismatch([100, 100], [1, -2]), 'expectedWeights[1]', 'expectedWeights[1]: must not be negative, got -2'],
    ['a negative count', () => sampleRatioMismatch([100, -1], [1, 1]), 'observed[1]', 'observed[1]: must not be negative, got -1'],
    ['a NaN count', () => sampleRatioMismatch([NaN, 1], [1, 1]), 'observed[0]', 'observed[0]: must be a finite number, got NaN'],
    ['no users at all', () => sampleRatioMismatch([0, 0], [1, 1]), 'observed', 'observed: must have a positive total'],
  ])('refuses %s', (_name, call, argument, message) => {
    expect(call).toThrow(StatsInputError);
    expect(call).toThrow(expect.objectContaining({ argument, message }));
  });
});
