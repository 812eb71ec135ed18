import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedOnFirstStart } from '$calendar/seed/index.ts';
import { calendarTokenOf } from '$calendar/plans/index.ts';
import { now } from '$calendar/clock.ts';
import { isoDay } from '$calendar/dates.ts';
import { sqliteData } from '$db/sqlite/data.ts';
import { tempDatabase } from '../../../../tests/helpers/test-app.ts';
import { loadPlanPage } from './plan-page.ts';
import { reloadConfig } from '$db/config.ts';

// The pages read the database at DATABASE_PATH (lib/server/db.ts): point it at a fresh seeded file per test.
let t: ReturnType<typeof tempDatabase>;
const savedPath = process.env.DATABASE_PATH;
beforeEach(async () => {
  t = tempDatabase();
  await seedOnFirstStart(sqliteData(t.db), new Date(2026, 10, 25, 10).getTime()); // a Wednesday: the plan starts Monday 30 November
  process.env.DATABASE_PATH = t.path; reloadConfig();
});
afterEach(() => {
  if (savedPath === undefined) delete process.env.DATABASE_PATH; else process.env.DATABASE_PATH = savedPath;
  reloadConfig();
  t.cleanup();
});

describe('loadPlanPage', () => {
  it('the seeded plan\'s timeline at the server clock, and its feed URL with the plan\'s token', async () => {
    const before = isoDay(now());
    const page = await loadPlanPage(1);
    const after = isoDay(now());
    expect(page.feedUrl).toBe(`/api/v1/plans/1/calendar.ics?token=${await calendarTokenOf(sqliteData(t.db), 1)}`);
    expect(page.timeline.plan).toMatchObject({ id: 1, startDate: '2026-11-30', endDate: '2027-02-21', weeks: 12 });
    expect(page.timeline.weeks).toHaveLength(12);
    expect(page.timeline.weeks[0]).toEqual({ week: 1, startDate: '2026-11-30', endDate: '2026-12-06' });
    expect(page.timeline.experiments.map((e) => e.week)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect([before, after]).toContain(page.timeline.today); // read from the server clock, not a fixed day
  });

  it('a missing plan is the domain\'s not-found error', async () => {
    await expect(loadPlanPage(999)).rejects.toThrow("plan '999' was not found");
  });
});
