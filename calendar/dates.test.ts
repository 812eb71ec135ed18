import { describe, expect, it } from 'vitest';
import { isoDay, nextDayStartMs } from './dates.ts';

// Local times on purpose: the scheduler's day is this process's day (the suite runs in Pacific/Kiritimati).
describe('nextDayStartMs: when the scheduler day turns', () => {
  it.each([
    ['mid-day', new Date(2026, 11, 2, 10, 30), new Date(2026, 11, 3)],
    ['just after midnight', new Date(2026, 11, 2, 0, 0, 0, 1), new Date(2026, 11, 3)],
    ['at midnight: the next one', new Date(2026, 11, 2), new Date(2026, 11, 3)],
    ['the last millisecond of a day', new Date(2026, 11, 2, 23, 59, 59, 999), new Date(2026, 11, 3)],
    ['across a month and a year', new Date(2026, 11, 31, 18), new Date(2027, 0, 1)]
  ])('%s', (_name, now, next) => {
    expect(nextDayStartMs(now.getTime())).toBe(next.getTime());
    expect(isoDay(nextDayStartMs(now.getTime()) - 1)).toBe(isoDay(now.getTime()));
  });
});
