/** Every refusal of the comparisons and sample sizes, with the exact message a caller shows
 *  (edge-cases.test.ts checks the argument named; this pins the whole sentence). */
import { describe, expect, it } from 'vitest';
import {
  compareMeans,
  compareProportions,
  compareRatios,
  minimumDetectableEffect,
  nonInferiorityScale,
  requiredSampleSize,
  StatsInputError,
  type MeanStats,
  type RatioStats,
} from './index.ts';

const arm: MeanStats = { n: 10, sum: 50, sumSquares: 300 };
const rate = { n: 100, conversions: 10 };
const ratio: RatioStats = { n: 10, sumNumerator: 100, sumDenominator: 20, sumNumeratorSquares: 1500, sumDenominatorSquares: 50, sumCrossProducts: 250 };
const cov = (a: MeanStats) => ({ ...a, covariateSum: 40, covariateSumSquares: 200, crossSum: 250 });

// [name, call, full message]
const refusals: [string, () => unknown, string][] = [
  ['a null arm', () => compareMeans(null as never, arm), 'control: must be an object of sufficient statistics'],
  ['a rate arm that is not an object', () => compareProportions(rate, 5 as never), 'treatment: must be an object of sufficient statistics'],
  ['a ratio arm that is null', () => compareRatios(ratio, null as never), 'treatment: must be an object of sufficient statistics'],
  ['a string n', () => compareMeans({ ...arm, n: '10' as never }, arm), 'control.n: must be a finite number, got 10'],
  ['an infinite sum', () => compareMeans(arm, { ...arm, sum: -Infinity }), 'treatment.sum: must be a finite number, got -Infinity'],
  ['a negative sum of squares', () => compareMeans(arm, { ...arm, sumSquares: -1 }), 'treatment.sumSquares: must not be negative, got -1'],
  ['a fractional n', () => compareMeans({ ...arm, n: 2.5 }, arm), 'control.n: must be an integer count, got 2.5'],
  ['n = 1 for a mean', () => compareMeans(arm, { n: 1, sum: 1, sumSquares: 1 }),
    'treatment.n: must be at least 2 (an arm needs 2 users to estimate a variance), got 1'],
  ['n = 0 for a rate', () => compareProportions({ n: 0, conversions: 0 }, rate), 'control.n: must be at least 1 (an arm needs 1 users to estimate a variance), got 0'],
  ['inconsistent sums', () => compareMeans({ n: 10, sum: 50, sumSquares: 200 }, arm),
    'control.sumSquares: sum of squares 200 is below (Σ)²/n = 250; the sums are inconsistent'],
  ['more conversions than users', () => compareProportions(rate, { n: 100, conversions: 101 }), 'treatment.conversions: cannot exceed treatment.n (100), got 101'],
  ['constant arms that differ', () => compareMeans({ n: 5, sum: 10, sumSquares: 20 }, { n: 5, sum: 15, sumSquares: 45 }),
    'treatment: both arms are constant but differ, so the difference has zero standard error and no test is defined'],
  ['alpha 0', () => compareMeans(arm, arm, { alpha: 0 }), 'options.alpha: must be between 0 and 1 (exclusive), got 0'],
  ['alpha 1', () => compareProportions(rate, rate, { alpha: 1 }), 'options.alpha: must be between 0 and 1 (exclusive), got 1'],
  ['a string alpha', () => compareMeans(arm, arm, { alpha: '0.1' as never }), 'options.alpha: must be between 0 and 1 (exclusive), got 0.1'],
  ['an unknown alternative', () => compareMeans(arm, arm, { alternative: 'both' as never }), 'options.alternative: must be one of two-sided, greater, less, got both'],
  ['tuning 0', () => compareMeans(arm, arm, { sequential: { tuning: 0 } }), 'options.sequential.tuning: must be a positive number, got 0'],
  ['infinite tuning', () => compareMeans(arm, arm, { sequential: { tuning: Infinity } }), 'options.sequential.tuning: must be a positive number, got Infinity'],
  ['a string tuning', () => compareMeans(arm, arm, { sequential: { tuning: '5' as never } }), 'options.sequential.tuning: must be a positive number, got 5'],
  ['one-sided sequential with alpha 0.5', () => compareMeans(arm, arm, { alternative: 'less', sequential: {}, alpha: 0.5 }),
    'options.alpha: one-sided sequential tests need alpha < 0.5'],
  ['a covariate n that differs', () => compareMeans(arm, arm, { covariate: { control: cov({ ...arm, n: 11 }), treatment: cov(arm) } }),
    'options.covariate.control.n: must equal control.n (10), got 11'],
  ['a covariate sum of squares that differs', () => compareMeans(arm, arm, { covariate: { control: cov(arm), treatment: cov({ ...arm, sumSquares: 301 }) } }),
    'options.covariate.treatment.sumSquares: must equal treatment.sumSquares (300), got 301'],
  ['a negative covariate sum of squares', () => compareMeans(arm, arm, { covariate: { control: { ...cov(arm), covariateSumSquares: -1 }, treatment: cov(arm) } }),
    'options.covariate.control.covariateSumSquares: must not be negative, got -1'],
  ['a NaN cross sum', () => compareMeans(arm, arm, { covariate: { control: cov(arm), treatment: { ...cov(arm), crossSum: NaN } } }),
    'options.covariate.treatment.crossSum: must be a finite number, got NaN'],
  ['CUPED on rates with n = 1', () => compareProportions({ n: 1, conversions: 1 }, rate, { covariate: { control: cov(arm), treatment: cov(arm) } }),
    'control.n: must be at least 2 (an arm needs 2 users to estimate a variance), got 1'],
  ['a zero ratio denominator', () => compareRatios({ ...ratio, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }, ratio),
    'control.sumDenominator: must not be 0: the ratio is undefined'],
  ['CUPED on a ratio', () => compareRatios(ratio, ratio, { covariate: { control: cov(arm), treatment: cov(arm) } }),
    'options.covariate: CUPED is not supported for ratio metrics'],
  ['a negative ratio numerator sum of squares', () => compareRatios(ratio, { ...ratio, sumNumeratorSquares: -5 }),
    'treatment.sumNumeratorSquares: must not be negative, got -5'],
  ['an alpha of 0 for a sample size', () => requiredSampleSize({ kind: 'mean', sd: 1, mde: 1, alpha: 0 }), 'alpha: must be strictly between 0 and 1, got 0'],
  ['a power of 1', () => requiredSampleSize({ kind: 'mean', sd: 1, mde: 1, power: 1 }), 'power: must be strictly between 0 and 1, got 1'],
  ['an mde of 0', () => requiredSampleSize({ kind: 'mean', sd: 1, mde: 0 }), 'mde: must be a non-zero finite number, got 0'],
  ['an infinite mde', () => requiredSampleSize({ kind: 'mean', sd: 1, mde: Infinity }), 'mde: must be a non-zero finite number, got Infinity'],
  ['an absolute mde past 1', () => requiredSampleSize({ kind: 'proportion', baseline: 0.9, mde: 0.2 }), 'mde: must move the baseline to a different rate inside (0, 1), got 1.1'],
  ['a relative mde below 0', () => requiredSampleSize({ kind: 'proportion', baseline: 0.5, mde: -1, relative: true }), 'mde: must move the baseline to a different rate inside (0, 1), got 0'],
  ['a baseline of 0', () => requiredSampleSize({ kind: 'proportion', baseline: 0, mde: 0.1 }), 'baseline: must be strictly between 0 and 1, got 0'],
  ['an unknown kind', () => requiredSampleSize({ kind: 'ratio', mde: 1 } as never), "kind: must be 'proportion' or 'mean'"],
  ['an sd of 0', () => requiredSampleSize({ kind: 'mean', sd: 0, mde: 1 }), 'sd: must be positive, got 0'],
  ['an infinite sd', () => requiredSampleSize({ kind: 'mean', sd: Infinity, mde: 1 }), 'sd: must be positive, got Infinity'],
  ['MDE with n = 1', () => minimumDetectableEffect({ kind: 'mean', sd: 1, n: 1 }), 'n: must be at least 2 users per arm, got 1'],
  ['MDE with infinite n', () => minimumDetectableEffect({ kind: 'mean', sd: 1, n: Infinity }), 'n: must be at least 2 users per arm, got Infinity'],
  ['MDE of an unknown kind', () => minimumDetectableEffect({ kind: 'ratio', n: 100 } as never), "kind: must be 'proportion' or 'mean'"],
  ['MDE with sd 0', () => minimumDetectableEffect({ kind: 'mean', sd: 0, n: 100 }), 'sd: must be positive, got 0'],
  ['MDE with a baseline of 1', () => minimumDetectableEffect({ kind: 'proportion', baseline: 1, n: 100 }), 'baseline: must be strictly between 0 and 1, got 1'],
  ['a negative se', () => nonInferiorityScale({ se: -1, margin: 0.1 }), 'se: must be a finite number ≥ 0, got -1'],
  ['an infinite se', () => nonInferiorityScale({ se: Infinity, margin: 0.1 }), 'se: must be a finite number ≥ 0, got Infinity'],
  ['a margin of 0', () => nonInferiorityScale({ se: 1, margin: 0 }), 'margin: must be positive, got 0'],
  ['an infinite margin', () => nonInferiorityScale({ se: 1, margin: Infinity }), 'margin: must be positive, got Infinity'],
  ['a power of 0 for the scale', () => nonInferiorityScale({ se: 1, margin: 1, power: 0 }), 'power: must be strictly between 0 and 1, got 0'],
];

describe('refusals name the argument and say why', () => {
  it.each(refusals)('%s', (_name, call, message) => {
    expect(call).toThrow(StatsInputError);
    expect(call).toThrow(expect.objectContaining({ message, argument: message.slice(0, message.indexOf(':')) }));
  });
});

describe('accepted at the edge', () => {
  it('a sum of squares a rounding error below Σ²/n is a variance of 0', () => {
    // 0.1 · 3 = 0.30000000000000004: Σy² = 0.03 is below Σ²/n by 4e-18
    const constant = compareMeans({ n: 3, sum: 0.30000000000000004, sumSquares: 0.03 }, { n: 3, sum: 0.30000000000000004, sumSquares: 0.03 });
    expect(constant.absolute.se).toBe(0);
    expect(constant.pValue).toBe(1);
  });

  it('nonInferiorityScale with se = 0 needs no more users', () => {
    expect(nonInferiorityScale({ se: 0, margin: 0.1 })).toBe(0);
  });

  it('one-sided sequential tests accept alpha just below 0.5; two-sided ones any alpha', () => {
    expect(compareMeans(arm, arm, { alternative: 'greater', sequential: {}, alpha: 0.49 }).df).toBe(Infinity);
    expect(compareMeans(arm, arm, { sequential: {}, alpha: 0.6 }).df).toBe(Infinity);
  });
});
