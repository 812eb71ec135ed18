// compareMetric and applyCorrection on hand-made sufficient statistics: which stats/ test each
// metric kind gets, which arm is control, the direction of "better", the notes when a comparison
// is impossible, the guardrail non-inferiority checks, and which p-values the correction adjusts.
// Expected values are the stats/ functions' own results (checked against R there) or plain arithmetic.
import { describe, expect, it } from 'vitest';
import type { GroupAggregate, MetricSums } from '../../db/store/index.ts';
import {
  adjustPValues, chanceToBeatControl, compareMeans, compareProportions, compareRatios, nonInferiorityScale, testNonInferiority
} from '../../stats/index.ts';
import { applyCorrection, compareMetric, type CompareSettings } from './compare.ts';
import type { CriterionRow, MetricRow } from './load.ts';
import type { MetricResult } from './types.ts';

type Kind = MetricRow['kind'];
const metric = (kind: Kind, direction: 'increase' | 'decrease' = 'increase', role: MetricRow['role'] = 'primary', key = 'm'): MetricRow =>
  ({ id: 1, key, name: `Metric ${key}`, description: null, kind, eventName: 'e', denominatorEventName: kind === 'ratio' ? 'd' : null,
    denominatorAggregate: 'sum', extraEventNames: [], windowStartDays: null, minCount: null,
    direction, windowDays: 7, winsorizePercentile: null, baseline: null, baselineSd: null, createdAtMs: 0, updatedAtMs: 0, role });
const sums = (s: Partial<MetricSums>): MetricSums => ({ sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0, ...s });
const arm = (variant: string, users: number, ...metrics: Array<Partial<MetricSums>>): GroupAggregate =>
  ({ variant, day: null, segment: null, users, conflicted: 0, metrics: metrics.map(sums) });
const criterion = (c: Partial<CriterionRow>): CriterionRow =>
  ({ id: 1, experimentId: 1, kind: 'guardrail', metricKey: 'm', minRelativeLift: null, maxPValue: null, maxRelativeDegradation: 0.05, description: 'd', ...c });
const fixed: CompareSettings = { alpha: 0.05, sequentialTuning: null, controlKey: 'control', variantKeys: ['control', 'b'] };

describe('compareMetric: the test, the arms and the direction', () => {
  it('binomial: a z-test of conversions over users, treatment against control', () => {
    const r = compareMetric(metric('binomial'), 0, 7, null, [arm('b', 1000, { sum: 150 }), arm('control', 1000, { sum: 100 })], [], fixed);
    const c = compareProportions({ n: 1000, conversions: 100 }, { n: 1000, conversions: 150 }, { alpha: 0.05 });
    expect(r).toEqual({
      key: 'm', name: 'Metric m', kind: 'binomial', role: 'primary', direction: 'increase', windowDays: 7, cap: null,
      arms: [{ variant: 'control', users: 1000, mean: 0.1 }, { variant: 'b', users: 1000, mean: 0.15 }],
      comparisons: [{
        variant: 'b', control: 0.1, treatment: 0.15,
        absolute: { estimate: c.absolute.estimate, ciLow: c.absolute.ci[0], ciHigh: c.absolute.ci[1] },
        relative: { estimate: c.relative!.estimate, ciLow: c.relative!.ci[0], ciHigh: c.relative!.ci[1] },
        pValue: c.pValue, adjustedPValue: c.pValue, chanceToBeatControl: chanceToBeatControl(c), significant: true, verdict: 'better'
      }],
      guardrails: [], notes: []
    });
    expect(r.comparisons[0]!.absolute.estimate).toBeCloseTo(0.05, 12);
    expect(r.comparisons[0]!.relative!.estimate).toBeCloseTo(0.5, 12);
    expect(r.comparisons[0]!.chanceToBeatControl).toBeGreaterThan(0.99);
  });

  it('lower is better: the same rise is "worse", and the chance to beat control is the other side', () => {
    const r = compareMetric(metric('binomial', 'decrease'), 0, 7, null, [arm('control', 1000, { sum: 100 }), arm('b', 1000, { sum: 150 })], [], fixed);
    const c = compareProportions({ n: 1000, conversions: 100 }, { n: 1000, conversions: 150 });
    expect(r.comparisons[0]).toMatchObject({ verdict: 'worse', significant: true, chanceToBeatControl: 1 - chanceToBeatControl(c) });
    expect(r.comparisons[0]!.chanceToBeatControl).toBeLessThan(0.01);
  });

  it('lower is better: a significant drop is "better"', () => {
    const r = compareMetric(metric('binomial', 'decrease'), 0, 7, null, [arm('control', 1000, { sum: 150 }), arm('b', 1000, { sum: 100 })], [], fixed);
    expect(r.comparisons[0]).toMatchObject({ verdict: 'better', significant: true });
    expect(r.comparisons[0]!.chanceToBeatControl).toBeGreaterThan(0.99);
  });

  it('a difference that is not significant is "flat", in either direction', () => {
    const up = compareMetric(metric('binomial'), 0, 7, null, [arm('control', 1000, { sum: 100 }), arm('b', 1000, { sum: 104 })], [], fixed);
    const down = compareMetric(metric('binomial'), 0, 7, null, [arm('control', 1000, { sum: 100 }), arm('b', 1000, { sum: 96 })], [], fixed);
    expect([up.comparisons[0]!.significant, up.comparisons[0]!.verdict, down.comparisons[0]!.significant, down.comparisons[0]!.verdict])
      .toEqual([false, 'flat', false, 'flat']);
  });

  it.each<[Kind]>([['count'], ['sum']])('%s: Welch means from the sum and the sum of squares per user', (kind) => {
    const control = { sum: 500, sumSquares: 3000 };
    const b = { sum: 400, sumSquares: 2000 };
    const r = compareMetric(metric(kind), 0, 14, 40, [arm('control', 100, control), arm('b', 100, b)], [], fixed);
    const c = compareMeans({ n: 100, ...control }, { n: 100, ...b }, { alpha: 0.05 });
    expect(r.arms).toEqual([{ variant: 'control', users: 100, mean: 5 }, { variant: 'b', users: 100, mean: 4 }]);
    expect(r.cap).toBe(40);
    expect(r.windowDays).toBe(14);
    expect(r.comparisons[0]).toMatchObject({ control: 5, treatment: 4, pValue: c.pValue, absolute: { estimate: -1, ciLow: c.absolute.ci[0], ciHigh: c.absolute.ci[1] } });
  });

  it('ratio: the mean is sum over the denominator sum, compared by the delta method', () => {
    const control = { sum: 300, sumSquares: 1500, sumDenominator: 200, sumDenominatorSquares: 600, sumCrossProducts: 800 };
    const b = { sum: 360, sumSquares: 1900, sumDenominator: 200, sumDenominatorSquares: 640, sumCrossProducts: 1000 };
    const r = compareMetric(metric('ratio'), 0, 7, null, [arm('control', 100, control), arm('b', 100, b)], [], fixed);
    const toRatio = (s: typeof control) => ({ n: 100, sumNumerator: s.sum, sumDenominator: s.sumDenominator, sumNumeratorSquares: s.sumSquares, sumDenominatorSquares: s.sumDenominatorSquares, sumCrossProducts: s.sumCrossProducts });
    const c = compareRatios(toRatio(control), toRatio(b), { alpha: 0.05 });
    expect(r.arms).toEqual([{ variant: 'control', users: 100, mean: 1.5 }, { variant: 'b', users: 100, mean: 1.8 }]);
    expect(r.comparisons[0]).toMatchObject({ control: 1.5, treatment: 1.8, pValue: c.pValue, absolute: { ciLow: c.absolute.ci[0], ciHigh: c.absolute.ci[1] } });
  });

  it('ratio: an arm without denominator has no mean, and the comparison becomes a note', () => {
    const r = compareMetric(metric('ratio'), 0, 7, null, [arm('control', 10, { sum: 5, sumSquares: 5 }), arm('b', 10, { sum: 3, sumSquares: 3, sumDenominator: 4, sumDenominatorSquares: 4 })], [], fixed);
    expect(r.arms).toEqual([{ variant: 'control', users: 10, mean: null }, { variant: 'b', users: 10, mean: 0.75 }]);
    expect(r.comparisons).toEqual([]);
    expect(r.notes).toEqual(['b: cannot compare yet (control.sumDenominator: must not be 0: the ratio is undefined).']);
  });

  it('reads the metric at its own index of each arm', () => {
    const rows = [arm('control', 1000, { sum: 999 }, { sum: 100 }), arm('b', 1000, { sum: 1 }, { sum: 150 })];
    const r = compareMetric(metric('binomial'), 1, 7, null, rows, [], fixed);
    expect(r.arms.map((a) => a.mean)).toEqual([0.1, 0.15]);
    expect(r.comparisons[0]).toMatchObject({ control: 0.1, treatment: 0.15 });
  });

  it('sequential: the always-valid interval with the given tuning, wider than the fixed one', () => {
    const rows = [arm('control', 1000, { sum: 100 }), arm('b', 1000, { sum: 150 })];
    const r = compareMetric(metric('binomial'), 0, 7, null, rows, [], { ...fixed, sequentialTuning: 5000 });
    const c = compareProportions({ n: 1000, conversions: 100 }, { n: 1000, conversions: 150 }, { alpha: 0.05, sequential: { tuning: 5000 } });
    const f = compareProportions({ n: 1000, conversions: 100 }, { n: 1000, conversions: 150 }, { alpha: 0.05 });
    expect(r.comparisons[0]).toMatchObject({ pValue: c.pValue, absolute: { ciLow: c.absolute.ci[0], ciHigh: c.absolute.ci[1] } });
    expect(c.absolute.ci[1] - c.absolute.ci[0]).toBeGreaterThan(f.absolute.ci[1] - f.absolute.ci[0]);
  });

  it('uses the given alpha for significance', () => {
    const rows = [arm('control', 1000, { sum: 100 }), arm('b', 1000, { sum: 125 })]; // p ≈ 0.08
    const loose = compareMetric(metric('binomial'), 0, 7, null, rows, [], { ...fixed, alpha: 0.1 });
    const strict = compareMetric(metric('binomial'), 0, 7, null, rows, [], fixed);
    expect(loose.comparisons[0]!.pValue).toBeGreaterThan(0.05);
    expect(loose.comparisons[0]!.pValue).toBeLessThan(0.1);
    expect([loose.comparisons[0]!.verdict, strict.comparisons[0]!.verdict]).toEqual(['better', 'flat']);
  });

  it('compares every treatment against the control named in the settings, in the order of variantKeys', () => {
    const rows = [arm('a', 1000, { sum: 100 }), arm('b', 1000, { sum: 150 }), arm('c', 1000, { sum: 80 })];
    const r = compareMetric(metric('binomial'), 0, 7, null, rows, [], { ...fixed, controlKey: 'a', variantKeys: ['c', 'a', 'b'] });
    expect(r.arms.map((x) => x.variant)).toEqual(['c', 'a', 'b']);
    expect(r.comparisons.map((x) => [x.variant, x.control, x.treatment])).toEqual([['c', 0.1, 0.08], ['b', 0.1, 0.15]]);
  });
});

describe('compareMetric: when there is nothing to compare yet', () => {
  const cases: Array<[string, GroupAggregate[], Array<{ users: number; mean: number | null }>, string[]]> = [
    ['one control user', [arm('control', 1, { sum: 1 }), arm('b', 5, { sum: 2 })], [{ users: 1, mean: 1 }, { users: 5, mean: 0.4 }],
      ['b: not enough users to compare yet (control 1, b 5).']],
    ['one treatment user', [arm('control', 5, { sum: 1 }), arm('b', 1, { sum: 0 })], [{ users: 5, mean: 0.2 }, { users: 1, mean: 0 }],
      ['b: not enough users to compare yet (control 5, b 1).']],
    ['a treatment nobody saw yet', [arm('control', 100, { sum: 10 })], [{ users: 100, mean: 0.1 }, { users: 0, mean: null }],
      ['b: not enough users to compare yet (control 100, b 0).']],
    ['no data at all', [], [{ users: 0, mean: null }, { users: 0, mean: null }],
      ['b: not enough users to compare yet (control 0, b 0).']],
    ['more conversions than users (inconsistent sums)', [arm('control', 2, { sum: 3 }), arm('b', 2, { sum: 1 })], [{ users: 2, mean: 1.5 }, { users: 2, mean: 0.5 }],
      ['b: cannot compare yet (control.conversions: cannot exceed control.n (2), got 3).']]
  ];
  it.each(cases)('%s', (_name, rows, arms, notes) => {
    const r = compareMetric(metric('binomial'), 0, 7, null, rows, [criterion({})], fixed);
    expect(r.arms).toEqual(arms.map((a, i) => ({ variant: ['control', 'b'][i], ...a })));
    expect(r.notes).toEqual(notes);
    expect(r.comparisons).toEqual([]);
    expect(r.guardrails).toEqual([]);
  });

  it('two users per arm are enough', () => {
    const r = compareMetric(metric('binomial'), 0, 7, null, [arm('control', 2, { sum: 1 }), arm('b', 2, { sum: 1 })], [], fixed);
    expect(r.notes).toEqual([]);
    expect(r.comparisons.map((c) => c.variant)).toEqual(['b']);
  });

  it('an error that is not about the inputs is not swallowed', () => {
    const broken = [arm('control', 10, { sum: 1 }), { ...arm('b', 10), metrics: [null as unknown as MetricSums] }];
    expect(() => compareMetric(metric('binomial'), 0, 7, null, broken, [], fixed)).toThrow(TypeError);
  });
});

describe('compareMetric: guardrails (non-inferiority)', () => {
  // Unsubscribe-like: lower is better, control 5%, the variant 5.2% on 20,000 users each.
  const rows = [arm('control', 20_000, { sum: 1000 }), arm('b', 20_000, { sum: 1040 })];
  const c = compareProportions({ n: 20_000, conversions: 1000 }, { n: 20_000, conversions: 1040 }, { alpha: 0.05 });

  it('fixed horizon: the one-sided test at a margin relative to the control rate', () => {
    const r = compareMetric(metric('binomial', 'decrease', 'guardrail'), 0, 7, null, rows, [criterion({ maxRelativeDegradation: 0.2 })], fixed);
    const margin = 0.2 * 0.05;
    const test = testNonInferiority(c, { margin, higherIsBetter: false, alpha: 0.05 });
    expect(r.guardrails).toEqual([{
      variant: 'b', maxRelativeDegradation: 0.2, worstRelativeChange: test.bound / 0.05, nonInferior: true, pValue: test.pValue,
      sampleScaleNeeded: nonInferiorityScale({ se: c.absolute.se, margin, alpha: 0.05 })
    }]);
    expect(test.nonInferior).toBe(true);
    expect(test.bound).toBeGreaterThan(c.absolute.estimate); // the bad side of "lower is better" is the upper bound
  });

  it('fixed horizon: a margin too tight for the data is not shown', () => {
    const r = compareMetric(metric('binomial', 'decrease', 'guardrail'), 0, 7, null, rows, [criterion({ maxRelativeDegradation: 0.02 })], fixed);
    expect(r.guardrails).toHaveLength(1);
    expect(r.guardrails[0]).toMatchObject({ variant: 'b', maxRelativeDegradation: 0.02, nonInferior: false });
    expect(r.guardrails[0]!.pValue).toBeGreaterThan(0.05);
    expect(r.guardrails[0]!.sampleScaleNeeded).toBeGreaterThan(1);
  });

  it('higher is better: the bad side is the lower bound', () => {
    const up = [arm('control', 20_000, { sum: 1040 }), arm('b', 20_000, { sum: 1000 })];
    const r = compareMetric(metric('binomial', 'increase', 'guardrail'), 0, 7, null, up, [criterion({ maxRelativeDegradation: 0.2 })], fixed);
    const cu = compareProportions({ n: 20_000, conversions: 1040 }, { n: 20_000, conversions: 1000 }, { alpha: 0.05 });
    const test = testNonInferiority(cu, { margin: 0.2 * 0.052, higherIsBetter: true, alpha: 0.05 });
    expect(r.guardrails[0]).toMatchObject({ nonInferior: true, pValue: test.pValue, worstRelativeChange: test.bound / 0.052 });
    expect(test.bound).toBeLessThan(cu.absolute.estimate);
  });

  it.each<[string, 'increase' | 'decrease', number, boolean]>([
    ['lower is better, upper bound inside the margin', 'decrease', 0.3, true],
    ['lower is better, upper bound past the margin', 'decrease', 0.05, false],
    ['higher is better, lower bound inside the margin', 'increase', 0.3, true],
    ['higher is better, lower bound past the margin', 'increase', 0.05, false]
  ])('sequential: the always-valid bound on the bad side against the margin (%s)', (_name, direction, degradation, nonInferior) => {
    const r = compareMetric(metric('binomial', direction, 'guardrail'), 0, 7, null, rows, [criterion({ maxRelativeDegradation: degradation })], { ...fixed, sequentialTuning: 40_000 });
    const s = compareProportions({ n: 20_000, conversions: 1000 }, { n: 20_000, conversions: 1040 }, { alpha: 0.05, sequential: { tuning: 40_000 } });
    const bound = direction === 'increase' ? s.absolute.ci[0] : s.absolute.ci[1];
    expect(r.guardrails).toEqual([{
      variant: 'b', maxRelativeDegradation: degradation, worstRelativeChange: bound / 0.05, nonInferior, pValue: null,
      sampleScaleNeeded: nonInferiorityScale({ se: s.absolute.se, margin: degradation * 0.05, alpha: 0.05 })
    }]);
  });

  it('sequential, higher is better: a lower bound below the margin is not shown', () => {
    const up = [arm('control', 20_000, { sum: 1040 }), arm('b', 20_000, { sum: 1000 })];
    const r = compareMetric(metric('binomial', 'increase', 'guardrail'), 0, 7, null, up, [criterion({ maxRelativeDegradation: 0.05 })], { ...fixed, sequentialTuning: 40_000 });
    expect(r.guardrails[0]).toMatchObject({ nonInferior: false, pValue: null });
  });

  it.each<[string, GroupAggregate[], 'increase' | 'decrease', boolean, number | null]>([
    ['"not worse at all" holds while the variant is not significantly worse', [arm('control', 1000, { sum: 100 }), arm('b', 1000, { sum: 104 })], 'decrease', true, 0],
    ['"not worse at all" fails when it is significantly worse (lower is better)', [arm('control', 1000, { sum: 100 }), arm('b', 1000, { sum: 150 })], 'decrease', false, 0],
    ['"not worse at all" fails when it is significantly worse (higher is better)', [arm('control', 1000, { sum: 150 }), arm('b', 1000, { sum: 100 })], 'increase', false, 0],
    ['"not worse at all" holds when significantly better', [arm('control', 1000, { sum: 100 }), arm('b', 1000, { sum: 150 })], 'increase', true, 0],
    ['a control rate of 0 leaves no margin and no relative change', [arm('control', 1000, { sum: 0 }), arm('b', 1000, { sum: 3 })], 'decrease', true, 0.1]
  ])('%s', (_name, data, direction, nonInferior, degradation) => {
    const r = compareMetric(metric('binomial', direction, 'guardrail'), 0, 7, null, data, [criterion({ maxRelativeDegradation: degradation })], fixed);
    const [cs, ts] = data.map((a) => ({ n: a.users, conversions: a.metrics[0]!.sum }));
    const cmp = compareProportions(cs!, ts!, { alpha: 0.05 });
    const bound = direction === 'increase' ? cmp.absolute.ci[0] : cmp.absolute.ci[1];
    expect(r.guardrails).toEqual([{
      variant: 'b', maxRelativeDegradation: degradation, nonInferior, pValue: null, sampleScaleNeeded: null,
      worstRelativeChange: cmp.control === 0 ? null : bound / cmp.control
    }]);
  });

  it('only guardrail criteria of this metric with a stated degradation count; one result per criterion and variant', () => {
    const three = [...rows, arm('c', 20_000, { sum: 1000 })];
    const criteria = [
      criterion({ maxRelativeDegradation: 0.2 }),
      criterion({ maxRelativeDegradation: 0.1 }),
      criterion({ metricKey: 'other' }),
      criterion({ kind: 'lift', minRelativeLift: 0.1 }),
      criterion({ maxRelativeDegradation: null })
    ];
    const r = compareMetric(metric('binomial', 'decrease', 'guardrail'), 0, 7, null, three, criteria, { ...fixed, variantKeys: ['control', 'b', 'c'] });
    expect(r.guardrails.map((g) => [g.variant, g.maxRelativeDegradation])).toEqual([['b', 0.2], ['b', 0.1], ['c', 0.2], ['c', 0.1]]);
  });
});

describe('applyCorrection', () => {
  const result = (key: string, role: MetricRow['role'], direction: 'increase' | 'decrease', pValues: number[], estimate = 0.01): MetricResult => ({
    key, name: key, kind: 'binomial', role, direction, windowDays: 7, cap: null, arms: [], guardrails: [], notes: [],
    comparisons: pValues.map((p, i) => ({
      variant: `v${i}`, control: 0.1, treatment: 0.1 + estimate, absolute: { estimate, ciLow: 0, ciHigh: 0 }, relative: null,
      pValue: p, adjustedPValue: p, chanceToBeatControl: 0.5, significant: p < 0.05, verdict: p < 0.05 ? 'better' : 'flat'
    }))
  });

  it.each<['holm' | 'bonferroni' | 'benjamini-hochberg']>([['holm'], ['bonferroni'], ['benjamini-hochberg']])(
    '%s: goal metrics across metrics and variants are one family; guardrails keep their raw p', (correction) => {
      const metrics = [
        result('primary', 'primary', 'increase', [0.01, 0.03]),
        result('guard', 'guardrail', 'decrease', [0.02]),
        result('second', 'secondary', 'decrease', [0.004], -0.02)
      ];
      applyCorrection(metrics, correction, 0.05);
      const adjusted = adjustPValues([0.01, 0.03, 0.004], correction);
      expect(metrics[0]!.comparisons.map((c) => c.adjustedPValue)).toEqual(adjusted.slice(0, 2));
      expect(metrics[2]!.comparisons.map((c) => c.adjustedPValue)).toEqual(adjusted.slice(2));
      expect(metrics[0]!.comparisons.map((c) => c.pValue)).toEqual([0.01, 0.03]);
      expect(metrics[1]!.comparisons[0]).toMatchObject({ pValue: 0.02, adjustedPValue: 0.02, significant: true, verdict: 'better' });
      expect(metrics[2]!.comparisons[0]).toMatchObject({ significant: true, verdict: 'better' }); // a drop where lower is better
    });

  it('holm on p = 0.01, 0.03, 0.004: adjusted 0.02, 0.03, 0.012; significance and verdicts follow the adjusted values', () => {
    const metrics = [result('primary', 'primary', 'increase', [0.01, 0.03]), result('second', 'secondary', 'increase', [0.004], -0.02)];
    applyCorrection(metrics, 'holm', 0.025);
    const all = metrics.flatMap((m) => m.comparisons);
    expect(all.map((c) => c.adjustedPValue)).toEqual([0.02, 0.03, 0.012].map((x) => expect.closeTo(x, 12)));
    expect(all.map((c) => [c.significant, c.verdict])).toEqual([[true, 'better'], [false, 'flat'], [true, 'worse']]);
  });

  it('a significant result with a zero effect is "flat"', () => {
    const metrics = [result('primary', 'primary', 'increase', [0.001], 0)];
    applyCorrection(metrics, 'bonferroni', 0.05);
    expect(metrics[0]!.comparisons[0]).toMatchObject({ significant: true, verdict: 'flat' });
  });

  it('a raw p under alpha that the correction lifts above it is no longer significant', () => {
    const metrics = [result('primary', 'primary', 'increase', [0.03, 0.04])];
    applyCorrection(metrics, 'bonferroni', 0.05);
    expect(metrics[0]!.comparisons.map((c) => [c.adjustedPValue, c.significant, c.verdict])).toEqual([[0.06, false, 'flat'], [0.08, false, 'flat']]);
  });

  it('"none" leaves every comparison as compareMetric made it', () => {
    const metrics = [result('primary', 'primary', 'increase', [0.03, 0.04])];
    const before = structuredClone(metrics);
    applyCorrection(metrics, 'none', 0.05);
    expect(metrics).toEqual(before);
  });

  it('guardrails only: nothing to adjust', () => {
    const metrics = [result('guard', 'guardrail', 'decrease', [0.03, 0.04])];
    const before = structuredClone(metrics);
    applyCorrection(metrics, 'holm', 0.05);
    expect(metrics).toEqual(before);
  });
});

describe('compareMetric and applyCorrection: edges', () => {
  it.each<[string, GroupAggregate[], Array<number | null>]>([
    ['a treatment nobody saw yet', [arm('control', 10, { sum: 5, sumDenominator: 4 })], [1.25, null]],
    ['no data at all', [], [null, null]]
  ])('ratio: %s has no mean (and no comparison)', (_name, rows, means) => {
    const r = compareMetric(metric('ratio'), 0, 7, null, rows, [], fixed);
    expect(r.arms.map((a) => a.mean)).toEqual(means);
    expect(r.comparisons).toEqual([]);
    expect(r.notes).toEqual([`b: not enough users to compare yet (control ${rows[0]?.users ?? 0}, b 0).`]);
  });

  it('an error inside a comparison that is not about the inputs is not swallowed', () => {
    const unreadable = {
      sum: 500, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0,
      get sumSquares(): number { throw new RangeError('the store is unreadable'); }
    };
    const rows = [{ ...arm('control', 100), metrics: [unreadable] }, arm('b', 100, { sum: 400, sumSquares: 2000 })];
    expect(() => compareMetric(metric('sum'), 0, 7, null, rows, [], fixed)).toThrow(new RangeError('the store is unreadable'));
  });

  // Control 5%, the variant 5.2% on 20,000 users each; the always-valid bound on the bad side lands
  // exactly on the margin when the margin is that bound (checked: the float product is exact).
  it.each<[string, 'increase' | 'decrease']>([
    ['higher is better: a lower bound exactly at -margin', 'increase'],
    ['lower is better: an upper bound exactly at +margin', 'decrease']
  ])('sequential: a bound exactly on the margin is not inside it (%s)', (_name, direction) => {
    const rows = [arm('control', 20_000, { sum: 1000 }), arm('b', 20_000, { sum: 1040 })];
    const s = compareProportions({ n: 20_000, conversions: 1000 }, { n: 20_000, conversions: 1040 }, { alpha: 0.05, sequential: { tuning: 40_000 } });
    const bound = direction === 'increase' ? s.absolute.ci[0] : s.absolute.ci[1];
    const degradation = Math.abs(bound) / 0.05;
    expect(degradation * 0.05).toBe(Math.abs(bound));
    const r = compareMetric(metric('binomial', direction, 'guardrail'), 0, 7, null, rows, [criterion({ maxRelativeDegradation: degradation })], { ...fixed, sequentialTuning: 40_000 });
    expect(r.guardrails[0]).toMatchObject({ nonInferior: false, worstRelativeChange: bound / 0.05 });
    const wider = compareMetric(metric('binomial', direction, 'guardrail'), 0, 7, null, rows, [criterion({ maxRelativeDegradation: degradation * 1.0001 })], { ...fixed, sequentialTuning: 40_000 });
    expect(wider.guardrails[0]!.nonInferior).toBe(true);
  });

  it('an adjusted p exactly at alpha is not significant (bonferroni: 0.025 over two is 0.05)', () => {
    const metrics: MetricResult[] = [{
      key: 'primary', name: 'primary', kind: 'binomial', role: 'primary', direction: 'increase', windowDays: 7, cap: null, arms: [], guardrails: [], notes: [],
      comparisons: [0.025, 0.5].map((p, i) => ({
        variant: `v${i}`, control: 0.1, treatment: 0.11, absolute: { estimate: 0.01, ciLow: 0, ciHigh: 0.02 }, relative: null,
        pValue: p, adjustedPValue: p, chanceToBeatControl: 0.5, significant: p < 0.05, verdict: p < 0.05 ? 'better' : 'flat'
      }))
    }];
    applyCorrection(metrics, 'bonferroni', 0.05);
    expect(metrics[0]!.comparisons.map((c) => [c.adjustedPValue, c.significant, c.verdict])).toEqual([[0.05, false, 'flat'], [1, false, 'flat']]);
  });
});
