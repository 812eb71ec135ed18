/**
 * usersNeededFor (calendar/reports/health.ts): the users the planned minimum detectable effect
 * needs, from the metric's baseline or the observed control, spread over the configured
 * (normalised) weights. Per-arm figures are `stats/requiredSampleSize` results (checked against
 * R there): rate 10% +10% relative: 14,751; rate 20%: 6,510; rate 50%: 1,565; mean sd 2, lift 0.5:
 * 253; sd √(5/3), lift 0.25: 420; sd 2, lift 0.25: 1,006; sd √(5/3), lift 0.5: 106; sd √0.5, lift 0.15: 350.
 */
import { describe, expect, it } from 'vitest';
import type { GroupAggregate, MetricSums } from '../../db/store/index.ts';
import { usersNeededFor } from './health.ts';
import type { MetricRow } from './load.ts';

const metric = (kind: MetricRow['kind'], baseline: number | null = null, baselineSd: number | null = null): MetricRow =>
  ({ id: 1, key: 'activation', name: 'Activation', description: null, kind, eventName: 'e', denominatorEventName: kind === 'ratio' ? 'd' : null,
    denominatorAggregate: 'sum', extraEventNames: [], windowStartDays: null, minCount: null,
    direction: 'increase', windowDays: 7, winsorizePercentile: null, baseline, baselineSd, createdAtMs: 0, updatedAtMs: 0, role: 'primary' });
const control = (users: number, ...metrics: Array<Partial<MetricSums>>): GroupAggregate =>
  ({ variant: 'control', day: null, segment: null, users, conflicted: 0,
    metrics: metrics.map((m) => ({ sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0, ...m })) });
const basis = (perArm: string, lift: number) => `activation: ${perArm} per arm for a ${lift}% relative lift at 80% power`;
const HALF = [0.5, 0.5];
// Four users with values 1, 2, 3, 4: mean 2.5, sample variance 5/3.
const fourUsers = control(4, { sum: 10, sumSquares: 30 });

type Given = { metric: MetricRow | undefined; mde: number | null; weights?: number[]; control?: GroupAggregate; index?: number; alpha?: number };
const cases: Array<[name: string, given: Given, expected: { users: number | null; basis: string }]> = [
  ['no primary metric', { metric: undefined, mde: 0.1, control: fourUsers }, { users: null, basis: 'no primary metric' }],
  ['no planned effect', { metric: metric('binomial', 0.1), mde: null }, { users: null, basis: 'no planned minimum detectable effect' }],
  ['a planned effect of 0 is none', { metric: metric('binomial', 0.1), mde: 0 }, { users: null, basis: 'no planned minimum detectable effect' }],

  // --- Rates ------------------------------------------------------------------------------
  ['rate from the metric\'s baseline, 50/50: twice the per-arm users', { metric: metric('binomial', 0.1), mde: 0.1, weights: HALF },
    { users: 29_502, basis: basis('14,751', 10) }],
  ['the smallest arm decides: 60/40 needs the per-arm users over 0.4, rounded up', { metric: metric('binomial', 0.1), mde: 0.1, weights: [0.6, 0.4] },
    { users: 36_878, basis: basis('14,751', 10) }],
  ['a variant weighted 0 gets no traffic and needs none', { metric: metric('binomial', 0.1), mde: 0.1, weights: [0.5, 0, 0.5] },
    { users: 29_502, basis: basis('14,751', 10) }],
  ['the stated baseline wins over the observed control rate', { metric: metric('binomial', 0.1), mde: 0.1, weights: HALF, control: control(1000, { sum: 200 }) },
    { users: 29_502, basis: basis('14,751', 10) }],
  ['no baseline: the observed control rate (200 of 1,000)', { metric: metric('binomial'), mde: 0.1, weights: HALF, control: control(1000, { sum: 200 }) },
    { users: 13_020, basis: basis('6,510', 10) }],
  ['the observed rate of the metric at its own index', { metric: metric('binomial'), mde: 0.1, weights: HALF, control: control(1000, { sum: 999 }, { sum: 200 }), index: 1 },
    { users: 13_020, basis: basis('6,510', 10) }],
  ['two control users are enough to read the rate', { metric: metric('binomial'), mde: 0.1, weights: HALF, control: control(2, { sum: 1 }) },
    { users: 3_130, basis: basis('1,565', 10) }],
  ['one control user is not', { metric: metric('binomial'), mde: 0.1, weights: HALF, control: control(1, { sum: 1 }) },
    { users: null, basis: 'no baseline rate yet' }],
  ['no baseline and no control yet', { metric: metric('binomial'), mde: 0.1, weights: HALF }, { users: null, basis: 'no baseline rate yet' }],
  ['an observed rate of 0 is no baseline', { metric: metric('binomial'), mde: 0.1, weights: HALF, control: control(1000, { sum: 0 }) },
    { users: null, basis: 'no baseline rate yet' }],
  ['the lift in the basis is rounded to whole percent', { metric: metric('binomial', 0.1), mde: 0.125, weights: HALF },
    { users: 19_080, basis: basis('9,540', 13) }],
  ['an effect that moves the rate past 100% cannot be computed', { metric: metric('binomial', 0.95), mde: 0.1, weights: HALF },
    { users: null, basis: 'cannot compute: mde: must move the baseline to a different rate inside (0, 1), got 1.045' }],
  ['the given alpha is used (an invalid one cannot be computed)', { metric: metric('binomial', 0.1), mde: 0.1, weights: HALF, alpha: 1.5 },
    { users: null, basis: 'cannot compute: alpha: must be strictly between 0 and 1, got 1.5' }],

  // --- Ratios -----------------------------------------------------------------------------
  ['ratio metrics are not sized', { metric: metric('ratio', 0.1, 1), mde: 0.1, weights: HALF, control: fourUsers },
    { users: null, basis: 'not computed for ratio metrics' }],

  // --- Means (count and sum) --------------------------------------------------------------
  ['mean and sd from the metric: the lift is relative to the mean', { metric: metric('sum', 10, 2), mde: 0.05, weights: HALF },
    { users: 506, basis: basis('253', 5) }],
  ['a negative baseline mean: the size of the lift counts', { metric: metric('count', -10, 2), mde: 0.05, weights: HALF },
    { users: 506, basis: basis('253', 5) }],
  ['mean and sd from the observed control (1, 2, 3, 4: mean 2.5, sd √(5/3))', { metric: metric('sum'), mde: 0.1, weights: HALF, control: fourUsers },
    { users: 840, basis: basis('420', 10) }],
  ['two observed control users are enough for a mean and sd (1, 2: mean 1.5, sd √0.5)', { metric: metric('sum'), mde: 0.1, weights: HALF, control: control(2, { sum: 3, sumSquares: 5 }) },
    { users: 700, basis: basis('350', 10) }],
  ['a control row without sums for this metric: nothing observed', { metric: metric('sum', 5, null), mde: 0.1, weights: HALF, control: control(4) },
    { users: null, basis: 'no baseline mean and standard deviation yet' }],
  ['the stated sd with the observed mean', { metric: metric('sum', null, 2), mde: 0.1, weights: HALF, control: fourUsers },
    { users: 2_012, basis: basis('1,006', 10) }],
  ['the stated mean with the observed sd', { metric: metric('count', 5, null), mde: 0.1, weights: HALF, control: fourUsers },
    { users: 212, basis: basis('106', 10) }],
  ['a mean without any sd', { metric: metric('sum', 10, null), mde: 0.1, weights: HALF },
    { users: null, basis: 'no baseline mean and standard deviation yet' }],
  ['an sd without any mean', { metric: metric('sum', null, 2), mde: 0.1, weights: HALF, control: control(1, { sum: 3, sumSquares: 9 }) },
    { users: null, basis: 'no baseline mean and standard deviation yet' }],
  ['all observed values equal: sd 0, nothing to size', { metric: metric('sum'), mde: 0.1, weights: HALF, control: control(4, { sum: 8, sumSquares: 16 }) },
    { users: null, basis: 'no baseline mean and standard deviation yet' }],
  ['inconsistent sums (negative variance) count as sd 0', { metric: metric('sum'), mde: 0.1, weights: HALF, control: control(4, { sum: 10, sumSquares: 20 }) },
    { users: null, basis: 'no baseline mean and standard deviation yet' }]
];

describe('usersNeededFor', () => {
  it.each(cases)('%s', (_name, given, expected) => {
    expect(usersNeededFor(given.metric, given.mde, given.weights ?? HALF, given.control, given.index ?? 0, given.alpha ?? 0.05)).toEqual(expected);
  });

  it('an error that is not about the inputs is not swallowed', () => {
    expect(() => usersNeededFor(metric('binomial', 0.1), 0.1, null as unknown as number[], undefined, 0, 0.05)).toThrow(TypeError);
  });
});
