/** The power checks' arithmetic and sentences at their edges: one day, the planned day itself,
 *  uneven or missing weights, alpha and power passed through, and the guardrail's sentence. */
import { describe, expect, it } from 'vitest';
import { nonInferiorityScale, requiredSampleSize } from '../../stats/index.ts';
import { guardrailPowerCheck, powerCheck, type GuardrailPowerInput, type PowerInput } from './power.ts';

// requiredSampleSize (checked against R's power.prop.test) for +20% on 12%: 3,122 per arm.
const perArm = requiredSampleSize({ kind: 'proportion', baseline: 0.12, mde: 0.2, relative: true });
const base: PowerInput = { baseline: 0.12, mde: 0.2, dailyUsers: 1200, weights: [0.5, 0.5], plannedDays: 14 };

describe('powerCheck', () => {
  it('+20% on 12% needs 3,122 users per arm', () => expect(perArm).toBe(3122));

  // [name, change, expected]
  it.each<[string, Partial<PowerInput>, Partial<ReturnType<typeof powerCheck>>]>([
    ['one day is "1 day"', { dailyUsers: 100_000 },
      { status: 'ok', perArm: 3122, totalUsers: 6244, daysNeeded: 1, plannedDays: 14, message: 'enough: needs 1 day at 100,000 users/day to detect +20% on a 12% baseline; planned 14' }],
    ['needing exactly the planned days is enough', { plannedDays: 6 },
      { status: 'ok', daysNeeded: 6, plannedDays: 6, message: 'enough: needs 6 days at 1,200 users/day to detect +20% on a 12% baseline; planned 6' }],
    ['one day more than planned is too short', { plannedDays: 5 },
      { status: 'too-short', daysNeeded: 6, plannedDays: 5, message: 'needs 6 days at 1,200 users/day to detect +20% on a 12% baseline; planned 5' }],
    ['fewer than two weights count as two equal arms', { weights: [1] }, { totalUsers: 6244, daysNeeded: 6 }],
    ['no weights count as two equal arms', { weights: [] }, { totalUsers: 6244, daysNeeded: 6 }],
    ['weights of any scale: 2/1/1 gives the smallest arm a quarter', { weights: [2, 1, 1] }, { totalUsers: 12_488, daysNeeded: 11 }],
    ['rates print with one decimal', { baseline: 0.1234, mde: 0.155 },
      { message: 'enough: needs 9 days at 1,200 users/day to detect +15.5% on a 12.3% baseline; planned 14' }],
    ['a baseline of 0 is no baseline', { baseline: 0 }, { status: 'unknown', perArm: null, totalUsers: null, daysNeeded: null, plannedDays: 14,
      message: 'no baseline rate for the primary metric: enter one on the metric or the experiment' }],
    ['a baseline of 1 is no baseline', { baseline: 1 }, { status: 'unknown', message: 'no baseline rate for the primary metric: enter one on the metric or the experiment' }],
    ['no lift', { mde: null }, { status: 'unknown', perArm: null, message: 'no minimum lift in the success criteria: add one to check the duration' }],
    ['a negative lift', { mde: -0.1 }, { status: 'unknown', message: 'no minimum lift in the success criteria: add one to check the duration' }],
    ['a lift to exactly 100%', { baseline: 0.5, mde: 1 }, { status: 'unknown', message: 'a lift of +100% on a 50% baseline is above 100%' }],
    ['a lift past 100%', { baseline: 0.9, mde: 0.2 }, { status: 'unknown', message: 'a lift of +20% on a 90% baseline is above 100%' }],
    ['no traffic', { dailyUsers: 0 }, { status: 'unknown', daysNeeded: null, message: 'no daily traffic for this channel or audience in the plan' }],
  ])('%s', (_name, change, expected) => {
    expect(powerCheck({ ...base, ...change })).toMatchObject(expected);
  });

  it('passes alpha and power to the sample size (alpha 0.01, power 0.9)', () => {
    const strict = requiredSampleSize({ kind: 'proportion', baseline: 0.12, mde: 0.2, relative: true, alpha: 0.01, power: 0.9 });
    expect(strict).toBe(5918);
    expect(powerCheck({ ...base, alpha: 0.01, power: 0.9 })).toMatchObject({ perArm: 5918, totalUsers: 11_836, daysNeeded: 10 });
  });
});

const guardrail: GuardrailPowerInput = { metricKey: 'unsubscribe', baseline: 0.015, maxRelativeDegradation: 0.05, dailyUsers: 1200, weights: [1, 1], plannedDays: 14 };

describe('guardrailPowerCheck', () => {
  it.each<[string, Partial<GuardrailPowerInput>, Partial<ReturnType<typeof guardrailPowerCheck>>]>([
    // k = ((z.95 + z.8) · √(2 · .3 · .7) / .15)² = 115.4 -> 116 per arm
    ['a wide margin on a common rate: 1 day', { baseline: 0.3, maxRelativeDegradation: 0.5, dailyUsers: 100_000 },
      { metricKey: 'unsubscribe', status: 'ok', perArm: 116, totalUsers: 232, daysNeeded: 1, plannedDays: 14,
        message: 'guardrail unsubscribe, at most 50% worse on a 30% baseline: enough: needs 1 day at 100,000 users/day; planned 14' }],
    ['the smallest of 3/1 arms and half coverage set the pace', { coverage: 0.5, weights: [3, 1] },
      { status: 'too-short', perArm: 324_791, totalUsers: 1_299_164, daysNeeded: 2166,
        message: 'guardrail unsubscribe, at most 5% worse on a 1.5% baseline: needs 2,166 days at 600 users/day; planned 14' }],
    ['no baseline', { baseline: null }, { metricKey: 'unsubscribe', status: 'unknown', perArm: null, totalUsers: null, daysNeeded: null, plannedDays: 14,
      message: 'guardrail unsubscribe: no baseline rate to check its sample' }],
    ['a baseline of 1', { baseline: 1 }, { status: 'unknown', message: 'guardrail unsubscribe: no baseline rate to check its sample' }],
    ['a baseline of 0', { baseline: 0 }, { status: 'unknown', message: 'guardrail unsubscribe: no baseline rate to check its sample' }],
    ['no margin', { maxRelativeDegradation: 0 }, { status: 'unknown', message: 'guardrail unsubscribe: no margin: it holds unless the variant is significantly worse' }],
    ['no traffic', { dailyUsers: null }, { status: 'unknown', message: 'guardrail unsubscribe: no daily traffic for this channel or audience in the plan' }],
    ['zero traffic', { dailyUsers: 0 }, { status: 'unknown', message: 'guardrail unsubscribe: no daily traffic for this channel or audience in the plan' }],
  ])('%s', (_name, change, expected) => {
    expect(guardrailPowerCheck({ ...guardrail, ...change })).toMatchObject(expected);
  });

  it('passes alpha and power to the non-inferiority scale (alpha 0.01, power 0.9)', () => {
    const k = nonInferiorityScale({ se: Math.sqrt(2 * 0.015 * 0.985), margin: 0.05 * 0.015, alpha: 0.01, power: 0.9 });
    expect(Math.ceil(k)).toBe(683_824);
    expect(guardrailPowerCheck({ ...guardrail, alpha: 0.01, power: 0.9 })).toMatchObject({
      perArm: 683_824, totalUsers: 1_367_648, daysNeeded: 1140,
      message: 'guardrail unsubscribe, at most 5% worse on a 1.5% baseline: needs 1,140 days at 1,200 users/day; planned 14'
    });
  });
});
