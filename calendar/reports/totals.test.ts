// totalsFromCumulative: per variant the row of its last day (cumulative by-day aggregates), without the day, by variant key.
import { describe, expect, it } from 'vitest';
import type { GroupAggregate } from '../../db/store/index.ts';
import { totalsFromCumulative } from './totals.ts';

const row = (variant: string, day: number | null, users: number): GroupAggregate =>
  ({ variant, day, segment: null, users, conflicted: 0, metrics: [] });

describe('totalsFromCumulative', () => {
  // [name, daily rows, [variant, users] of the totals]
  it.each<[string, GroupAggregate[], Array<[string, number]>]>([
    ['no rows', [], []],
    ['the last day of each variant', [row('a', 1, 10), row('b', 1, 12), row('a', 2, 25), row('b', 3, 30)], [['a', 25], ['b', 30]]],
    ['rows out of day order', [row('a', 5, 50), row('a', 3, 30), row('a', 4, 40)], [['a', 50]]],
    ['variants sorted by key, whatever comes first', [row('treatment', 1, 7), row('control', 1, 9), row('b-arm', 1, 3)], [['b-arm', 3], ['control', 9], ['treatment', 7]]],
    ['a row without a day counts as day 0', [row('a', null, 5), row('a', 1, 8), row('b', 2, 4), row('b', null, 1)], [['a', 8], ['b', 4]]]
  ])('%s', (_name, daily, expected) => {
    const totals = totalsFromCumulative(daily);
    expect(totals.map((r) => [r.variant, r.users])).toEqual(expected);
    expect(totals.every((r) => r.day === null)).toBe(true);
  });

  it('leaves the input rows as they were', () => {
    const daily = [row('a', 1, 10), row('a', 2, 20)];
    totalsFromCumulative(daily);
    expect(daily.map((r) => r.day)).toEqual([1, 2]);
  });
});
