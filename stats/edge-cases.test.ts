/** Edge cases: invalid input throws a StatsInputError naming the argument; degenerate
 *  but valid input gives a documented result, never NaN. */
import { describe, expect, it } from 'vitest';
import {
  adjustPValues,
  chanceToBeatControl,
  chiSquareUpperTail,
  compareMeans,
  compareProportions,
  compareRatios,
  minimumDetectableEffect,
  normalUpperTail,
  requiredSampleSize,
  sampleRatioMismatch,
  StatsInputError,
  tUpperTail,
  type Comparison,
  type MeanStats,
  type RatioStats,
} from './index.ts';

const arm: MeanStats = { n: 10, sum: 50, sumSquares: 300 };
const rate = { n: 100, conversions: 10 };
const ratio: RatioStats = { n: 10, sumNumerator: 100, sumDenominator: 20, sumNumeratorSquares: 1500, sumDenominatorSquares: 50, sumCrossProducts: 250 };
const covariateOf = (a: MeanStats) => ({ ...a, covariateSum: 40, covariateSumSquares: 200, crossSum: 250 });

const invalid: [string, () => unknown, string][] = [
  ['n = 0 in control', () => compareMeans({ n: 0, sum: 0, sumSquares: 0 }, arm), 'control.n'],
  ['n = 1 in treatment', () => compareMeans(arm, { n: 1, sum: 5, sumSquares: 25 }), 'treatment.n'],
  ['fractional n', () => compareMeans({ ...arm, n: 10.5 }, arm), 'control.n'],
  ['NaN sum', () => compareMeans({ ...arm, sum: NaN }, arm), 'control.sum'],
  ['infinite sumSquares', () => compareMeans(arm, { ...arm, sumSquares: Infinity }), 'treatment.sumSquares'],
  ['negative sumSquares', () => compareMeans(arm, { ...arm, sumSquares: -1 }), 'treatment.sumSquares'],
  ['sumSquares below sum²/n', () => compareMeans({ n: 10, sum: 50, sumSquares: 200 }, arm), 'control.sumSquares'],
  ['constant arms that differ', () => compareMeans({ n: 5, sum: 10, sumSquares: 20 }, { n: 5, sum: 15, sumSquares: 45 }), 'treatment'],
  ['alpha = 0', () => compareMeans(arm, arm, { alpha: 0 }), 'options.alpha'],
  ['alpha = 1', () => compareMeans(arm, arm, { alpha: 1 }), 'options.alpha'],
  ['unknown alternative', () => compareMeans(arm, arm, { alternative: 'both' as never }), 'options.alternative'],
  ['non-positive tuning', () => compareMeans(arm, arm, { sequential: { tuning: 0 } }), 'options.sequential.tuning'],
  ['covariate n mismatch', () => compareMeans(arm, arm, { covariate: { control: covariateOf({ ...arm, n: 11 }), treatment: covariateOf(arm) } }), 'options.covariate.control.n'],
  ['covariate sum mismatch', () => compareMeans(arm, arm, { covariate: { control: covariateOf(arm), treatment: covariateOf({ ...arm, sum: 51 }) } }), 'options.covariate.treatment.sum'],
  ['conversions > n', () => compareProportions(rate, { n: 100, conversions: 101 }), 'treatment.conversions'],
  ['negative conversions', () => compareProportions({ n: 100, conversions: -1 }, rate), 'control.conversions'],
  ['negative n (proportions)', () => compareProportions({ n: -5, conversions: 0 }, rate), 'control.n'],
  ['n = 0 (proportions)', () => compareProportions({ n: 0, conversions: 0 }, rate), 'control.n'],
  ['infinite conversions', () => compareProportions(rate, { n: 100, conversions: Infinity }), 'treatment.conversions'],
  ['0% vs 100%', () => compareProportions({ n: 50, conversions: 0 }, { n: 50, conversions: 50 }), 'treatment'],
  ['ratio with zero denominator', () => compareRatios({ ...ratio, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }, ratio), 'control.sumDenominator'],
  ['ratio with CUPED', () => compareRatios(ratio, ratio, { covariate: { control: covariateOf(arm), treatment: covariateOf(arm) } }), 'options.covariate'],
  ['SRM with one arm', () => sampleRatioMismatch([100], [1]), 'observed'],
  ['SRM weights length', () => sampleRatioMismatch([100, 100], [1, 1, 1]), 'expectedWeights'],
  ['SRM zero weight', () => sampleRatioMismatch([100, 100], [1, 0]), 'expectedWeights[1]'],
  ['SRM negative weight', () => sampleRatioMismatch([100, 100], [1, -1]), 'expectedWeights[1]'],
  ['SRM NaN count', () => sampleRatioMismatch([100, NaN], [1, 1]), 'observed[1]'],
  ['SRM negative count', () => sampleRatioMismatch([100, -3], [1, 1]), 'observed[1]'],
  ['SRM empty arms', () => sampleRatioMismatch([0, 0], [1, 1]), 'observed'],
  ['p-value above 1', () => adjustPValues([0.5, 1.2], 'holm'), 'pValues[1]'],
  ['NaN p-value', () => adjustPValues([NaN], 'bonferroni'), 'pValues[0]'],
  ['unknown adjustment', () => adjustPValues([0.1], 'sidak' as never), 'method'],
  ['baseline outside (0, 1)', () => requiredSampleSize({ kind: 'proportion', baseline: 1.2, mde: 0.1 }), 'baseline'],
  ['mde pushes rate past 1', () => requiredSampleSize({ kind: 'proportion', baseline: 0.9, mde: 0.2 }), 'mde'],
  ['mde = 0', () => requiredSampleSize({ kind: 'mean', sd: 1, mde: 0 }), 'mde'],
  ['sd = 0', () => requiredSampleSize({ kind: 'mean', sd: 0, mde: 1 }), 'sd'],
  ['power = 1', () => requiredSampleSize({ kind: 'mean', sd: 1, mde: 1, power: 1 }), 'power'],
  ['MDE with n = 1', () => minimumDetectableEffect({ kind: 'mean', sd: 1, n: 1 }), 'n'],
  ['chance with mixed arms', () => chanceToBeatControl(rate, arm as never), 'treatment'],
];

describe('invalid input throws StatsInputError naming the argument', () => {
  it.each(invalid)('%s', (_name, call, argument) => {
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StatsInputError);
    expect((caught as StatsInputError).argument).toBe(argument);
    expect((caught as Error).message).toContain(argument);
  });
});

const finite = (c: Comparison) =>
  [c.control, c.treatment, c.absolute.estimate, c.absolute.se, c.statistic, c.pValue, c.df].every((v) => !Number.isNaN(v));

const documented: [string, () => Comparison, (c: Comparison) => void][] = [
  ['control mean 0: relative is null', () => compareMeans({ n: 4, sum: 0, sumSquares: 8 }, arm), (c) => expect(c.relative).toBeNull()],
  ['0 conversions in control: relative is null, test still defined', () => compareProportions({ n: 100, conversions: 0 }, rate), (c) => {
    expect(c.relative).toBeNull();
    expect(c.pValue).toBeGreaterThan(0);
  }],
  ['0 conversions in both arms: p = 1, CI [0, 0]', () => compareProportions({ n: 100, conversions: 0 }, { n: 80, conversions: 0 }), (c) => {
    expect(c.pValue).toBe(1);
    expect(c.absolute.ci).toEqual([0, 0]);
    expect(c.significant).toBe(false);
  }],
  ['n conversions in both arms: p = 1', () => compareProportions({ n: 100, conversions: 100 }, { n: 80, conversions: 80 }), (c) => expect(c.pValue).toBe(1)],
  ['identical constant arms: p = 1, df = nc + nt - 2', () => compareMeans({ n: 5, sum: 10, sumSquares: 20 }, { n: 7, sum: 14, sumSquares: 28 }), (c) => {
    expect(c.pValue).toBe(1);
    expect(c.df).toBe(10);
  }],
  ['zero variance in one arm: Welch df = n - 1 of the other', () => compareMeans({ n: 5, sum: 10, sumSquares: 20 }, arm), (c) => expect(c.df).toBeCloseTo(9, 12)],
  ['negative values are fine', () => compareMeans({ n: 3, sum: -6, sumSquares: 14 }, { n: 3, sum: -3, sumSquares: 5 }), (c) => {
    expect(c.control).toBe(-2);
    expect(c.relative?.estimate).toBeCloseTo(0.5, 12); // (-1 - -2) / |-2|
  }],
  ['huge effect: p tiny but positive', () => compareProportions({ n: 1e7, conversions: 1e6 }, { n: 1e7, conversions: 2e6 }), (c) => {
    expect(c.pValue).toBeGreaterThan(0);
    expect(c.pValue).toBeLessThan(1e-300);
  }],
  ['covariate without variance falls back to unadjusted', () => compareMeans(arm, { n: 10, sum: 60, sumSquares: 400 }, {
    covariate: { control: { ...arm, covariateSum: 10, covariateSumSquares: 10, crossSum: 50 }, treatment: { n: 10, sum: 60, sumSquares: 400, covariateSum: 10, covariateSumSquares: 10, crossSum: 60 } },
  }), (c) => expect(c).toEqual(compareMeans(arm, { n: 10, sum: 60, sumSquares: 400 }))],
  ['one-sided greater: CI upper bound is +Infinity', () => compareMeans(arm, arm, { alternative: 'greater' }), (c) => expect(c.absolute.ci[1]).toBe(Infinity)],
  ['one-sided proportions: CI clamped to 1 like prop.test', () => compareProportions(rate, rate, { alternative: 'greater' }), (c) => expect(c.absolute.ci[1]).toBe(1)],
];

describe('degenerate but valid input gives documented results, never NaN', () => {
  it.each(documented)('%s', (_name, call, check) => {
    const result = call();
    expect(finite(result)).toBe(true);
    check(result);
  });
});

describe('distribution tails are never 0, NaN or negative for valid input', () => {
  it.each([
    ['normal z = 40', () => normalUpperTail(40)],
    ['normal z = Infinity', () => normalUpperTail(Infinity)],
    ['t df=3 t=1e200', () => tUpperTail(1e200, 3)],
    ['t df=1e15 t=38', () => tUpperTail(38, 1e15)],
    ['chi-square 1e5 on 4 df', () => chiSquareUpperTail(1e5, 4)],
  ] as const)('%s', (_name, call) => {
    const p = call();
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-300);
  });
});
