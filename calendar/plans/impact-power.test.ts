import { describe, expect, it } from 'vitest';
import { expectedProgramLift, goalMetricKeys, moreDaysNeeded, plannedDetectable } from './impact-power.ts';
import { detectableRelative } from './impact-compare.ts';
import { compareProportions } from '../../stats/index.ts';

describe('expectedProgramLift', () => {
  it.each([
    ['a goal with a percentage', '+20% 7-day activation', [0.1], { lift: 0.2, source: 'goal' }],
    ['a range: its lower end', '+20-30% long-term value in 12 months', [], { lift: 0.2, source: 'goal' }],
    ['a decimal', 'churn down 2.5%', [], { lift: 0.025, source: 'goal' }],
    ['no percentage: the shipped winners\' planned MDEs added up', 'more activation', [0.1, null, 0.05], { lift: 0.15000000000000002, source: 'shipped winners' }],
    ['nothing: +10%', null, [null], { lift: 0.1, source: 'default' }],
    ['0%: not a goal', '0% regressions', [], { lift: 0.1, source: 'default' }]
  ] as const)('%s', (_name, goal, mdes, expected) => {
    expect(expectedProgramLift(goal, [...mdes])).toEqual(expected);
  });
});

describe('goalMetricKeys', () => {
  const metrics = [{ key: 'activation', name: 'Activation' }, { key: 'first_action', name: 'First action' }, { key: 'signup', name: 'Sign-up' }];
  it.each([
    ['by name', '+20% 7-day activation', ['activation']],
    ['by key with spaces, whole words only', '+5% first action and reactivation', ['first_action']],
    ['by hyphenated name', 'sign-up +10%', ['signup']],
    ['none named: all', '+20% LTV', ['activation', 'first_action', 'signup']],
    ['no goal: all', null, ['activation', 'first_action', 'signup']]
  ] as const)('%s', (_name, goal, keys) => {
    expect(goalMetricKeys(goal, metrics)).toEqual(keys);
  });
});

describe('moreDaysNeeded', () => {
  it.each([
    ['enough already', { users: 1_000, detectable: 0.05, expected: 0.1, dailyUsers: 10, windowDays: 0 }, 0],
    ['twice the detectable: four times the users', { users: 10_000, detectable: 0.2, expected: 0.1, dailyUsers: 1_000, windowDays: 0 }, 30],
    ['a retention window is added', { users: 10_000, detectable: 0.2, expected: 0.1, dailyUsers: 1_000, windowDays: 14 }, 44],
    ['no rate yet', { users: 10_000, detectable: 0.2, expected: 0.1, dailyUsers: null, windowDays: 0 }, null],
    ['nothing detectable', { users: 10, detectable: null, expected: 0.1, dailyUsers: 5, windowDays: 0 }, null]
  ] as const)('%s', (_name, input, days) => {
    expect(moreDaysNeeded(input)).toBe(days);
  });
});

describe('plannedDetectable', () => {
  it('a smaller holdout detects less: about the square root of the ratio of 2h(1-h)', () => {
    const at = (share: number) => plannedDetectable({ kind: 'binomial', baseline: 0.12, baselineSd: null }, { dailyUsers: 1_500, days: 84, share })!;
    // 2h(1-h): 0.095 at 5%, 0.0198 at 1%.
    expect(at(0.05)).toBeCloseTo(0.099, 2);
    // √(0.095 / 0.0198) = 2.19; a bit more, since a larger lift also moves the treated rate's variance.
    expect(at(0.01) / at(0.05)).toBeGreaterThan(2.19);
    expect(at(0.01) / at(0.05)).toBeLessThan(2.3);
  });
  it.each([
    ['a rate without baseline', { kind: 'binomial', baseline: null, baselineSd: null }],
    ['a mean without its standard deviation', { kind: 'sum', baseline: 20, baselineSd: null }],
    ['a ratio', { kind: 'ratio', baseline: 20, baselineSd: 5 }]
  ] as const)('null for %s', (_name, metric) => {
    expect(plannedDetectable(metric, { dailyUsers: 1_000, days: 84, share: 0.05 })).toBeNull();
  });
  it('a mean: its MDE over its baseline', () => {
    expect(plannedDetectable({ kind: 'time_to_event', baseline: 100, baselineSd: 50 }, { dailyUsers: 1_000, days: 84, share: 0.05 })).toBeCloseTo(2.8 * 50 * Math.sqrt(2 / 7_980) / 100, 2);
  });
});

describe('detectableRelative', () => {
  it('is (z₀.₉₇₅ + z₀.₈) SE over the holdout mean, and matches R power.prop.test to about 1% at a large n', () => {
    expect(detectableRelative({ control: 0.1, absolute: { estimate: 0, se: 0.01, ci: [0, 0] } })).toBeCloseTo(0.28, 2);
    expect(detectableRelative({ control: 0, absolute: { estimate: 0, se: 0.01, ci: [0, 0] } })).toBeNull();
    // power.prop.test(n = 14751, p1 = 0.1, power = 0.8): p2 = 0.11 (+10%); the SE here is the one at equal rates.
    const c = compareProportions({ n: 14_751, conversions: 1_475.1 }, { n: 14_751, conversions: 1_475.1 });
    expect(detectableRelative(c)!).toBeCloseTo(0.1, 2);
  });
});
