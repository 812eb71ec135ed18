/** The plan timeline: its weeks and end, today, the order of its experiments (week, start date, id; no week first), layers, power checks and each experiment's conflicts. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { createPlan } from '../plans/index.ts';
import { createPlannedExperiment, type PlannedExperimentInput } from './index.ts';
import { experimentPower } from './experiment-power.ts';
import { getPlanTimeline } from './timeline.ts';

const at = (iso: string) => new Date(`${iso}T12:00`).getTime();
const ctx = { actor: 'ana', nowMs: at('2026-11-25') };
// The seeded plan 1: 12 weeks from Monday 2026-11-30, one experiment a week (w01 ... w12).
const extra = (name: string, channels: PlannedExperimentInput['channels']): PlannedExperimentInput => ({
  name, week: 2, channels, durationDays: 7,
  variants: [{ key: 'control', name: 'A', weight: 1 }, { key: 'b', name: 'B', weight: 1 }]
});

describe('getPlanTimeline', () => {
  let data: Data;
  useSeededDatabase(at('2026-11-25'), (_db, fresh) => { data = fresh; });

  /** Adds an experiment to plan 1 and moves it to `week` and `startDate`. */
  async function add(name: string, week: number | null, startDate: string | null, channels: PlannedExperimentInput['channels'] = ['social']) {
    const { key, id } = await createPlannedExperiment(data, 1, extra(name, channels), ctx);
    await data.experiments.update(id, { week, startDate });
    return key;
  }

  it('the plan\'s end, its weeks and today', async () => {
    const t = await getPlanTimeline(data, 1, at('2026-12-03'));
    expect([t.plan.startDate, t.plan.weeks, t.plan.endDate, t.today]).toEqual(['2026-11-30', 12, '2027-02-21', '2026-12-03']);
    expect(t.weeks).toHaveLength(12);
    expect(t.weeks[0]).toEqual({ week: 1, startDate: '2026-11-30', endDate: '2026-12-06' });
    expect(t.weeks[1]).toEqual({ week: 2, startDate: '2026-12-07', endDate: '2026-12-13' });
    expect(t.weeks[11]).toEqual({ week: 12, startDate: '2027-02-15', endDate: '2027-02-21' });
  });

  it('orders by week, then start date, then id, with no week and no start date first', async () => {
    const earlyInWeek2 = await add('Early in week 2', 2, '2026-12-06');
    const sameDayAsW02 = await add('Same day as w02', 2, '2026-12-07');
    const noWeekWithDate = await add('No week, a date', null, '2026-12-01');
    const noWeekNoDate = await add('No week, no date', null, null);
    const noWeekNoDateLater = await add('No week, no date, later', null, null);
    // Another plan's experiment is not on this plan's timeline.
    const other = await createPlan(data, { name: 'Q2', startDate: '2027-03-01', weeks: 13, goal: 'g', owner: 'o', dailyTraffic: {} }, ctx);
    await createPlannedExperiment(data, other.id, { ...extra('Elsewhere', ['social']), week: 1 }, ctx);
    const keys = (await getPlanTimeline(data, 1, at('2026-12-03'))).experiments.map((e) => e.key);
    expect(keys.slice(0, 7)).toEqual([
      noWeekNoDate, noWeekNoDateLater, noWeekWithDate, 'w01-onboarding-ebook-reminder', earlyInWeek2, 'w02-email-subject-line', sameDayAsW02
    ]);
    expect(keys.slice(7)).toEqual(['w03-landing-testimonials', 'w04-first-action-incentive', 'w05-escalating-nudges', 'w06-awareness-ebook-acquisition',
      'w07-review-feedback-loop', 'w08-value-vs-quality-messaging', 'w09-gated-vs-open-access', 'w10-referral-incentives', 'w11-cohort-re-engagement', 'w12-consolidate-winners']);
  });

  it('each experiment with its layer\'s key, its own power check and the experiments it conflicts with', async () => {
    const first = await add('First on web', 2, '2026-12-06', ['web']);
    const second = await add('Second on web', 2, '2026-12-07', ['web']);
    const t = await getPlanTimeline(data, 1, at('2026-12-03'));
    const byKey = new Map(t.experiments.map((e) => [e.key, e]));
    expect(t.conflicts.map((c) => c.keys)).toEqual([[first, second]]);
    expect(byKey.get(first)!.conflictsWith).toEqual([second]);
    expect(byKey.get(second)!.conflictsWith).toEqual([first]);
    for (const e of t.experiments) if (e.key !== first && e.key !== second) expect(e.conflictsWith, e.key).toEqual([]);
    expect(byKey.get('w01-onboarding-ebook-reminder')!.layer).toBe('starter-calendar');
    expect(byKey.get('w03-landing-testimonials')!.layer).toBeNull();
    expect(byKey.get(first)).toMatchObject({ layer: null, week: 2, startDate: '2026-12-06', endDate: '2026-12-12', durationDays: 7, status: 'draft', channels: ['web'] });
    for (const key of ['w01-onboarding-ebook-reminder', 'w03-landing-testimonials', first]) {
      const e = byKey.get(key)!;
      expect(e.power, key).toEqual(await experimentPower(data, e.id));
    }
  });
});
