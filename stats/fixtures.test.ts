/**
 * Agreement with R (stats/fixtures/*.json, regenerate with `Rscript stats/fixtures/generate.R`).
 * Every p-value must match R to a relative error below 1e-6; the worst is printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  adjustPValues,
  chiSquareUpperTail,
  compareMeans,
  compareProportions,
  normalQuantile,
  normalUpperTail,
  requiredSampleSize,
  nonInferiorityScale,
  sampleRatioMismatch,
  tUpperQuantile,
  tUpperTail,
  type Alternative,
  type AdjustmentMethod,
  type Interval,
  type MeanStats,
  type SampleSizeInput,
} from './index.ts';
import { ErrorTracker, loadFixture, relativeError } from './testing/fixtures.ts';

const P_VALUE_TOLERANCE = 1e-6;
const pValues = new ErrorTracker();
const others = new ErrorTracker();

afterAll(() => {
  console.log(`fixtures: max relative error of p-values vs R = ${pValues.max.toExponential(3)} (${pValues.where})`);
  console.log(`fixtures: max relative error of statistics, df, quantiles, CIs vs R = ${others.max.toExponential(3)} (${others.where})`);
  expect(pValues.max).toBeLessThan(P_VALUE_TOLERANCE);
});

/** R's value below 1e-300 is outside the contract (R itself may print 0): ours must be tiny but positive. */
function expectPValue(actual: number, expected: number, where: string) {
  expect(actual).toBeGreaterThan(0);
  if (expected < 1e-300) expect(actual).toBeLessThan(1e-290);
  else expect(pValues.record(actual, expected, where)).toBeLessThan(P_VALUE_TOLERANCE);
}

function expectClose(actual: number, expected: number, where: string, tolerance = 1e-9) {
  expect(others.record(actual, expected, where)).toBeLessThan(tolerance);
}

/** CI bounds: relative to the interval's scale, since a bound may sit at 0. */
function expectInterval(actual: Interval, expected: Interval, scale: number, where: string) {
  for (const i of [0, 1]) {
    if (!Number.isFinite(expected[i])) expect(actual[i]).toBe(expected[i]);
    else expectClose(actual[i] - expected[i] + scale, scale, `${where} ci[${i}]`);
  }
}

type DistributionCase = { fn: string; x: number; df?: number; expected: number };

describe('distributions agree with R (pnorm, pt, pchisq, qnorm, qt)', () => {
  const cases = loadFixture<DistributionCase>('distributions');
  it.each(cases.map((c) => [`${c.fn}(${c.x}${c.df === undefined ? '' : `, df=${c.df}`})`, c] as const))('%s', (name, c) => {
    const df = c.df ?? Infinity;
    if (c.fn === 'normalUpperTail') expectPValue(normalUpperTail(c.x), c.expected, name);
    else if (c.fn === 'tUpperTail') expectPValue(tUpperTail(c.x, df), c.expected, name);
    else if (c.fn === 'chiSquareUpperTail') expectPValue(chiSquareUpperTail(c.x, df), c.expected, name);
    else if (c.fn === 'normalQuantile') expectClose(normalQuantile(c.x), c.expected, name, 1e-12);
    else if (c.fn === 'tUpperQuantile') expectClose(tUpperQuantile(c.x, df), c.expected, name, 1e-8);
    else throw new Error(`unknown fixture function ${c.fn}`);
  });
});

type Sample = number[] | MeanStats;
type TTestCase = {
  name: string;
  data: { control: Sample; treatment: Sample };
  alpha: number;
  alternative: Alternative;
  statistic: number;
  df: number;
  pValue: number;
  confInt: Interval;
};

const toStats = (sample: Sample): MeanStats =>
  Array.isArray(sample)
    ? { n: sample.length, sum: sample.reduce((a, b) => a + b, 0), sumSquares: sample.reduce((a, b) => a + b * b, 0) }
    : sample;

describe("compareMeans equals R's t.test(treatment, control)", () => {
  it.each(loadFixture<TTestCase>('t-tests').map((c) => [c.name, c] as const))('%s', (name, c) => {
    const result = compareMeans(toStats(c.data.control), toStats(c.data.treatment), {
      alpha: c.alpha,
      alternative: c.alternative,
    });
    expectClose(result.statistic, c.statistic, `${name} statistic`, 1e-8);
    expectClose(result.df, c.df, `${name} df`, 1e-8);
    expectPValue(result.pValue, c.pValue, `t-test ${name}`);
    expectInterval(result.absolute.ci, c.confInt, result.absolute.se, name);
  });
});

type ProportionCase = {
  control: { n: number; conversions: number };
  treatment: { n: number; conversions: number };
  alpha: number;
  alternative: Alternative;
  statistic: number;
  pValue: number;
  confInt: Interval;
};

describe("compareProportions: Wald z-test, CI equals R's prop.test(correct = FALSE)", () => {
  const cases = loadFixture<ProportionCase>('proportions');
  it.each(cases.map((c, i) => [`case ${i}: ${c.control.conversions}/${c.control.n} vs ${c.treatment.conversions}/${c.treatment.n} ${c.alternative}`, c] as const))('%s', (name, c) => {
    const result = compareProportions(c.control, c.treatment, { alpha: c.alpha, alternative: c.alternative });
    expectClose(result.statistic, c.statistic, `${name} statistic`);
    expectPValue(result.pValue, c.pValue, `proportions ${name}`);
    expectInterval(result.absolute.ci, c.confInt, result.absolute.se, name);
  });
});

type AdjustCase = { method: AdjustmentMethod; pValues: number[]; expected: number[] };

describe("adjustPValues equals R's p.adjust", () => {
  const cases = loadFixture<AdjustCase>('p-adjust');
  it('the fixture covers every method, each with a non-empty case', () => {
    const methods: AdjustmentMethod[] = ['holm', 'benjamini-hochberg', 'bonferroni'];
    expect([...new Set(cases.map((c) => c.method))].sort()).toEqual([...methods].sort());
    for (const c of cases) expect(c.expected.length, `${c.method} ${c.pValues.join(',')}`).toBe(c.pValues.length);
    expect(cases.every((c) => c.pValues.length > 0)).toBe(true);
  });
  // Loops over R's expected values (not our output), so a method that returns too few values,
  // or none at all (e.g. Benjamini-Hochberg returning []), fails here.
  it.each(cases.map((c, i) => [`${c.method} #${i}: one adjusted p-value per input, each equal to R's`, c] as const))('%s', (_name, c) => {
    const adjusted = adjustPValues(c.pValues, c.method);
    expect(adjusted).toHaveLength(c.expected.length);
    c.expected.forEach((expected, i) => expect(relativeError(adjusted[i]!, expected), `${c.method} #${i} p[${i}]`).toBeLessThan(1e-12));
  });
});

type NonInferiorityScaleCase = { se: number; margin: number; alpha: number; power: number; scale: number };

describe('nonInferiorityScale equals the k that R finds by solving the power of the one-sided test', () => {
  const cases = loadFixture<NonInferiorityScaleCase>('non-inferiority-scale');
  it.each(cases.map((c) => [`se=${c.se} margin=${c.margin} alpha=${c.alpha} power=${c.power}`, c] as const))('%s', (name, c) => {
    expect(others.record(nonInferiorityScale(c), c.scale, `nonInferiorityScale ${name}`)).toBeLessThan(1e-9);
  });
});

type SampleSizeCase = SampleSizeInput & { n: number };

describe("requiredSampleSize equals ceiling of R's power.prop.test / power.t.test n (±1)", () => {
  const cases = loadFixture<SampleSizeCase>('sample-size');
  it.each(cases.map((c) => [`${c.kind} mde=${c.mde} alpha=${c.alpha} power=${c.power}`, c] as const))('%s', (_name, c) => {
    expect(Math.abs(requiredSampleSize(c) - Math.ceil(c.n))).toBeLessThanOrEqual(1);
  });
});

type SrmCase = { observed: number[]; expectedWeights: number[]; chiSquare: number; df: number; pValue: number };

describe("sampleRatioMismatch equals R's chisq.test", () => {
  const cases = loadFixture<SrmCase>('srm');
  it.each(cases.map((c) => [c.observed.join(' / '), c] as const))('%s', (name, c) => {
    const result = sampleRatioMismatch(c.observed, c.expectedWeights);
    expectClose(result.chiSquare, c.chiSquare, `srm ${name}`);
    expect(result.df).toBe(c.df);
    expectPValue(result.pValue, c.pValue, `srm ${name}`);
    expect(result.mismatch).toBe(c.pValue < 0.001);
  });
});
