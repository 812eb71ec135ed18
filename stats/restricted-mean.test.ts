import { describe, expect, it } from 'vitest';
import { compareMeans, restrictedMeanStats, StatsInputError, type TimeToEventStats } from './index.ts';

describe('restrictedMeanStats', () => {
  const cases: Array<[string, TimeToEventStats, { n: number; sum: number; sumSquares: number }]> = [
    ['the example', { n: 4, events: 2, sumTimes: 30, sumTimeSquares: 500, restriction: 168 }, { n: 4, sum: 366, sumSquares: 56948 }],
    ['nobody had the event: everyone at the restriction', { n: 3, events: 0, sumTimes: 0, sumTimeSquares: 0, restriction: 10 }, { n: 3, sum: 30, sumSquares: 300 }],
    ['everybody had it', { n: 2, events: 2, sumTimes: 5, sumTimeSquares: 13, restriction: 10 }, { n: 2, sum: 5, sumSquares: 13 }],
    ['an empty arm', { n: 0, events: 0, sumTimes: 0, sumTimeSquares: 0, restriction: 10 }, { n: 0, sum: 0, sumSquares: 0 }]
  ];
  it.each(cases)('%s', (_name, arm, expected) => expect(restrictedMeanStats(arm)).toEqual(expected));

  it('equals the Welch test on the per-user values min(T, τ)', () => {
    const control = [2, 10, 10, 4, 7];
    const treatment = [1, 3, 10, 2];
    const arm = (times: number[]) => {
      const seen = times.filter((t) => t < 10);
      return restrictedMeanStats({ n: times.length, events: seen.length, sumTimes: seen.reduce((a, t) => a + t, 0), sumTimeSquares: seen.reduce((a, t) => a + t * t, 0), restriction: 10 });
    };
    const raw = (v: number[]) => ({ n: v.length, sum: v.reduce((a, x) => a + x, 0), sumSquares: v.reduce((a, x) => a + x * x, 0) });
    expect(compareMeans(arm(control), arm(treatment))).toEqual(compareMeans(raw(control), raw(treatment)));
  });

  const bad: Array<[string, TimeToEventStats, string]> = [
    ['more events than users', { n: 2, events: 3, sumTimes: 1, sumTimeSquares: 1, restriction: 10 }, 'events'],
    ['a restriction of 0', { n: 2, events: 1, sumTimes: 1, sumTimeSquares: 1, restriction: 0 }, 'restriction'],
    ['times past the restriction', { n: 2, events: 1, sumTimes: 11, sumTimeSquares: 121, restriction: 10 }, 'sumTimes'],
    ['a negative sum of squares', { n: 2, events: 1, sumTimes: 1, sumTimeSquares: -1, restriction: 10 }, 'sumTimeSquares'],
    ['a fractional user count', { n: 2.5, events: 1, sumTimes: 1, sumTimeSquares: 1, restriction: 10 }, 'n']
  ];
  it.each(bad)('refuses %s, naming the field', (_name, arm, argument) => {
    expect(() => restrictedMeanStats(arm)).toThrow(StatsInputError);
    try { restrictedMeanStats(arm); } catch (err) { expect((err as StatsInputError).argument).toBe(argument); }
  });
});
