// The UI's server code on PostgreSQL: with DATABASE_URL, `data()` (web/src/lib/server/db.ts) is
// the pool the server opened and migrated at start, and a page's load reads the plan from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDatabase } from '../helpers/postgres.ts';
import { reloadConfig } from '../../db/config.ts';
import { closePostgresPool, openData } from '../../db/open-data.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { data } from '../../web/src/lib/server/db.ts';
import { loadPlanPage } from '../../web/src/lib/server/plan-page.ts';

const saved = process.env.DATABASE_URL;
let url: string;
beforeAll(async () => {
  url = await postgresDatabase();
  process.env.DATABASE_URL = url;
  reloadConfig();
  const opened = await openData(); // what api/bootstrap.ts does at start: migrate, then the pages read
  expect(opened.engine).toBe('postgres');
  await seedOnFirstStart(opened.data, new Date(2026, 10, 25, 10).getTime());
}, 120_000);
afterAll(async () => {
  if (saved === undefined) delete process.env.DATABASE_URL; else process.env.DATABASE_URL = saved;
  reloadConfig();
  await closePostgresPool(url);
});

describe('the UI with DATABASE_URL', () => {
  it('reads the seeded plan from PostgreSQL', async () => {
    expect((await data().plans.list()).map((p) => p.id)).toEqual([1]);
    const page = await loadPlanPage(1);
    expect(page.timeline.plan).toMatchObject({ id: 1, startDate: '2026-11-30', weeks: 12 });
    expect(page.timeline.experiments.map((e) => e.week)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
