import { describe, expect, it } from 'vitest';
import type { GroupAggregate } from '../../db/store/index.ts';
import { closedWindowTotals, lastClosedDay, waitsForWindow } from './windows.ts';

const DAY = 86_400_000;
const sums = (sum: number) => [{ sum, sumSquares: sum, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 }];
const row = (variant: string, day: number, users: number, sum: number): GroupAggregate => ({ variant, day, segment: null, users, conflicted: 0, metrics: sums(sum) });

describe('lastClosedDay', () => {
  const cases: Array<[string, number, number, number]> = [
    // Day 100's users were first exposed before day 101 starts; a 14-day window has passed for all of them at day 115.
    ['exactly when the last user of day 100 has had 14 days', 14, 115 * DAY, 100],
    ['a moment earlier', 14, 115 * DAY - 1, 99],
    ['half a day later', 14, 115.5 * DAY, 100],
    ['a 1-day window', 1, 102 * DAY, 100]
  ];
  it.each(cases)('%s', (_name, windowDays, nowMs, expected) => expect(lastClosedDay(windowDays, nowMs)).toBe(expected));
});

describe('closedWindowTotals', () => {
  const daily = [row('a', 100, 10, 3), row('b', 100, 12, 4), row('a', 101, 25, 8), row('b', 101, 20, 9), row('a', 102, 30, 9)];
  it('takes the cumulative row of the last closed day per variant and counts everyone later as waiting', () => {
    const { totals, waiting } = closedWindowTotals(daily, 7, 109 * DAY);
    expect(totals.map((r) => [r.variant, r.users, r.metrics[0]!.sum, r.day])).toEqual([['a', 25, 8, null], ['b', 20, 9, null]]);
    expect(waiting).toBe(30 + 20 - 25 - 20);
  });
  it('is empty before any window closed, with everyone waiting', () => {
    expect(closedWindowTotals(daily, 7, 105 * DAY)).toEqual({ totals: [], waiting: 50 });
  });
});

describe('waitsForWindow', () => {
  it.each([['retention', true], ['time_to_event', true], ['threshold', false], ['binomial', false], ['ratio', false]] as const)('%s: %s', (kind, expected) => {
    expect(waitsForWindow(kind)).toBe(expected);
  });
});
