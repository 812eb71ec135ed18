import { afterEach, describe, expect, it } from 'vitest';
import { sqliteData } from '../../db/sqlite/data.ts';
import type { Data } from '../../db/store/index.ts';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import { loadPlanTemplate, seedOnFirstStart, starterPlanTemplate } from './index.ts';

// Local times: the plan starts on the Monday after the server's calendar day (calendar/dates.ts),
// so a UTC instant would fall on another day in Pacific/Pago_Pago (UTC-11) or Pacific/Kiritimati (UTC+14).
const monday = new Date(2026, 10, 23, 10).getTime(); // a Monday
const wednesday = new Date(2026, 10, 25, 10).getTime();

describe('starter 90-day calendar', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());
  /** A fresh, empty database's data seam. */
  const freshData = (): Data => { const t = tempDatabase(); cleanup = t.cleanup; return sqliteData(t.db); };

  it('loads 12 weeks, one experiment each, starting the next Monday', async () => {
    const data = freshData();
    const result = await seedOnFirstStart(data, wednesday);
    expect(result).toEqual({ planId: 1, created: true });
    const plan = (await data.plans.list())[0]!;
    expect(plan.startDate).toBe('2026-11-30');
    expect(plan.weeks).toBe(12);
    const rows = await data.experiments.list();
    expect(rows.map((e) => e.week)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(rows[0]).toMatchObject({ startDate: '2026-11-30', durationDays: 14, channels: ['in-app', 'email'] });
    expect(rows[1]).toMatchObject({ startDate: '2026-12-07', durationDays: 10, channels: ['email'] });
    expect(rows[11]!.startDate).toBe('2027-02-15');
  });

  it('a Monday start date is the following Monday, never today', async () => {
    const data = freshData();
    await seedOnFirstStart(data, monday);
    expect((await data.plans.list())[0]!.startDate).toBe('2026-11-30');
  });

  it('turns numeric success criteria into structured ones', async () => {
    const data = freshData();
    await seedOnFirstStart(data, monday);
    const week1 = (await data.experiments.list()).find((e) => e.week === 1)!;
    const criteria = await data.experiments.criteria(week1.id);
    expect(criteria[0]).toMatchObject({ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.2, maxPValue: 0.05 });
    const weights = await data.experiments.variants(week1.id);
    expect(weights.map((v) => [v.key, v.weight, v.isControl])).toEqual([['control', 0.5, true], ['guided', 0.5, false]]);
  });

  it('never duplicates a plan: reloading the template returns the existing one', async () => {
    const data = freshData();
    const first = await loadPlanTemplate(data, { nowMs: monday, actor: 'test' });
    const second = await loadPlanTemplate(data, { nowMs: wednesday, actor: 'test' });
    expect(second).toEqual({ planId: first.planId, created: false });
    expect(await seedOnFirstStart(data, wednesday)).toBeNull();
    expect(await data.plans.list()).toHaveLength(1);
    expect(await data.experiments.list()).toHaveLength(12);
    expect(await data.audit.list({ action: 'plan.seeded' })).toHaveLength(1);
  });

  it('the template file is valid and every referenced metric is defined', () => {
    const template = starterPlanTemplate();
    const keys = new Set(template.metrics.map((m) => m.key));
    expect(template.weeks.map((w) => w.week)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const week of template.weeks) {
      for (const key of [...week.primaryMetrics, ...week.secondaryMetrics, ...week.guardrailMetrics]) {
        expect(keys.has(key), `week ${week.week} metric ${key}`).toBe(true);
      }
    }
  });
});
