import { describe, expect, it } from 'vitest';
import { requiredSampleSize } from '../../stats/index.ts';
import { guardrailPowerCheck, powerCheck, type PowerInput } from './power.ts';
import { dailyUsersFor } from './experiment-power.ts';
import { findConflicts, type Schedulable } from './conflicts.ts';

const base: PowerInput = { baseline: 0.12, mde: 0.2, dailyUsers: 1200, weights: [0.5, 0.5], plannedDays: 14 };

describe('guardrailPowerCheck', () => {
  const guardrail = { metricKey: 'unsubscribe', baseline: 0.015, maxRelativeDegradation: 0.05, dailyUsers: 1200, weights: [1, 1], plannedDays: 14 };
  it('a 5% margin on a 1.5% rate needs (z(.95) + z(.8))² · 2p(1−p) / (0.05p)² = 324,790.6 users per arm', () => {
    const zSum = 1.6448536269514722 + 0.8416212335729143;
    const closedForm = zSum ** 2 * 2 * 0.015 * 0.985 / (0.05 * 0.015) ** 2; // one-sided non-inferiority, true difference zero
    const check = guardrailPowerCheck(guardrail);
    expect(check.perArm).toBe(Math.ceil(closedForm));
    expect(check).toMatchObject({ status: 'too-short', totalUsers: 649_582, daysNeeded: 542,
      message: 'guardrail unsubscribe, at most 5% worse on a 1.5% baseline: needs 542 days at 1,200 users/day; planned 14' });
  });
  it.each<[string, object, RegExp]>([
    ['a wide margin on a common rate fits', { baseline: 0.05, maxRelativeDegradation: 0.25 }, /^guardrail unsubscribe, at most 25% worse on a 5% baseline: enough: needs 7 days/],
    ['no baseline', { baseline: null }, /no baseline/],
    ['no margin', { maxRelativeDegradation: 0 }, /no margin/],
    ['no traffic', { dailyUsers: null }, /no daily traffic/]
  ])('%s', (_name, change, message) => {
    expect(guardrailPowerCheck({ ...guardrail, ...change }).message).toMatch(message);
  });
});

describe('powerCheck', () => {
  it.each<[string, Partial<PowerInput>, { status: string; daysNeeded: number | null; message: string }]>([
    ['enough days', {}, { status: 'ok', daysNeeded: 6, message: 'enough: needs 6 days at 1,200 users/day to detect +20% on a 12% baseline; planned 14' }],
    ['too short', { baseline: 0.035 }, { status: 'too-short', daysNeeded: 20, message: 'needs 20 days at 1,200 users/day to detect +20% on a 3.5% baseline; planned 14' }],
    ['coverage halves the traffic', { baseline: 0.035, coverage: 0.5 }, { status: 'too-short', daysNeeded: 40, message: 'needs 40 days at 600 users/day to detect +20% on a 3.5% baseline; planned 14' }],
    ['no baseline', { baseline: null }, { status: 'unknown', daysNeeded: null, message: expect.stringMatching(/no baseline/) }],
    ['no lift', { mde: 0 }, { status: 'unknown', daysNeeded: null, message: expect.stringMatching(/no minimum lift/) }],
    ['no traffic', { dailyUsers: null }, { status: 'unknown', daysNeeded: null, message: expect.stringMatching(/no daily traffic/) }],
    ['lift past 100%', { baseline: 0.9, mde: 0.2 }, { status: 'unknown', daysNeeded: null, message: expect.stringMatching(/above 100%/) }]
  ])('%s', (_name, change, expected) => {
    expect(powerCheck({ ...base, ...change })).toMatchObject(expected);
  });

  it('the smallest arm sets the pace: 80/20 needs perArm / 0.2 users', () => {
    const perArm = requiredSampleSize({ kind: 'proportion', baseline: 0.12, mde: 0.2, relative: true });
    const check = powerCheck({ ...base, weights: [0.8, 0.2] });
    expect(check.perArm).toBe(perArm);
    expect(check.totalUsers).toBe(Math.ceil(perArm / 0.2));
    expect(check.daysNeeded).toBe(Math.ceil(Math.ceil(perArm / 0.2) / 1200));
  });
});

describe('dailyUsersFor', () => {
  it.each<[Record<string, number>, string[], string | null, { dailyUsers: number | null; source: string | null }]>([
    [{ email: 1200, 'in-app': 1500 }, ['in-app', 'email'], null, { dailyUsers: 1500, source: 'in-app' }],
    [{ email: 1200 }, ['in-app', 'email'], null, { dailyUsers: 1200, source: 'email' }],
    [{ email: 1200, 'new users': 300 }, ['email'], 'new users', { dailyUsers: 300, source: 'new users' }],
    [{ email: 1200 }, ['email'], 'lapsed', { dailyUsers: 1200, source: 'email' }],
    [{}, ['sms'], null, { dailyUsers: null, source: null }]
  ])('%j %j %s', (traffic, channels, audience, expected) => {
    expect(dailyUsersFor(traffic, channels, audience)).toEqual(expected);
  });
});

describe('findConflicts', () => {
  const e = (key: string, start: string, end: string, extra: Partial<Schedulable> = {}): Schedulable => ({
    key, name: key, status: 'scheduled', channels: ['email'], audience: null, startDate: start, endDate: end, layerId: null, ...extra
  });
  it.each<[string, Schedulable[], string[][]]>([
    ['overlapping dates, same channel', [e('a', '2026-12-01', '2026-12-14'), e('b', '2026-12-07', '2026-12-16')], [['a', 'b']]],
    ['back to back', [e('a', '2026-12-01', '2026-12-06'), e('b', '2026-12-07', '2026-12-16')], []],
    ['different channels', [e('a', '2026-12-01', '2026-12-14'), e('b', '2026-12-07', '2026-12-16', { channels: ['push'] })], []],
    ['different audiences', [e('a', '2026-12-01', '2026-12-14', { audience: 'new' }), e('b', '2026-12-07', '2026-12-16', { audience: 'returning' })], []],
    ['everyone overlaps an audience', [e('a', '2026-12-01', '2026-12-14'), e('b', '2026-12-07', '2026-12-16', { audience: 'new' })], [['a', 'b']]],
    ['same layer is exclusive', [e('a', '2026-12-01', '2026-12-14', { layerId: 1 }), e('b', '2026-12-07', '2026-12-16', { layerId: 1 })], []],
    ['a stopped one has released its dates', [e('a', '2026-12-01', '2026-12-14', { status: 'stopped' }), e('b', '2026-12-07', '2026-12-16')], []]
  ])('%s', (_name, list, expected) => {
    expect(findConflicts(list).map((c) => c.keys)).toEqual(expected);
  });
});
