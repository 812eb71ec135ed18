import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { getPlanTimeline } from '../planning/index.ts';
import { starterPlanTemplate } from './template.ts';
import { programImpact } from '../plans/index.ts';

const wednesday = new Date(2026, 10, 25, 10).getTime();
let data: Data;
useSeededDatabase(wednesday, (_db, fresh) => { data = fresh; });

describe('the starter calendar works on its first screen', () => {
  it('has no conflicts: weeks that share a channel with a neighbour run in alternate halves of one layer', async () => {
    const timeline = await getPlanTimeline(data, 1, wednesday);
    expect(timeline.conflicts).toEqual([]);
    expect(timeline.experiments.every((e) => e.conflictsWith.length === 0)).toBe(true);
    expect(timeline.experiments.filter((e) => e.layer === 'starter-calendar').map((e) => e.week)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('week 1 passes the power check at its share of the traffic (half the in-app users, less the plan\'s 5% holdout), guardrails included', async () => {
    const week1 = (await getPlanTimeline(data, 1, wednesday)).experiments.find((e) => e.week === 1)!;
    expect(week1.power).toMatchObject({ status: 'ok', dailyUsers: 1500, metricKey: 'activation' });
    // 1,500 in-app users a day × its half of the layer × 95% not held out = 712.5.
    expect(week1.power.message).toMatch(/at 713 users\/day/);
    expect(week1.power.guardrails.filter((g) => g.status === 'too-short')).toEqual([]);
  });

  it('no guardrail has a margin its traffic cannot show: those are monitor only (no margin) and say why', async () => {
    const timeline = await getPlanTimeline(data, 1, wednesday);
    expect(timeline.experiments.flatMap((e) => e.power.guardrails).filter((g) => g.status === 'too-short')).toEqual([]);
    const guardrails = starterPlanTemplate().weeks.flatMap((w) => w.successCriteria.filter((c) => c.kind === 'guardrail'));
    expect(guardrails.length).toBeGreaterThan(0);
    for (const g of guardrails) {
      expect(g.maxRelativeDegradation, g.description).toBeUndefined();
      expect(g.description).toMatch(/^Monitor only: /);
    }
  });

  it('every week can start: a primary metric and at least one success criterion', () => {
    for (const w of starterPlanTemplate().weeks) {
      expect(w.primaryMetrics.length, w.key).toBeGreaterThan(0);
      expect(w.successCriteria.length, w.key).toBeGreaterThan(0);
    }
  });

  it('holds 5% of users out for the program impact report, which week 12 "consolidate" reads, and 5% can show the goal in 84 days', async () => {
    const plan = (await data.plans.byId(1))!;
    expect(plan).toMatchObject({ holdoutShare: 0.05, holdoutSeed: 'starter-90-day-v1', goal: '+20% 7-day activation' });
    const week12 = starterPlanTemplate().weeks.find((w) => w.week === 12)!;
    expect(week12.key).toBe('w12-consolidate-winners');
    expect(week12.description).toMatch(/Program impact report: the 5% program holdout/);
    expect(week12.successCriteria[0]!.description).toMatch(/Program impact report .* against the 5% holdout/);
    // Before any data: planned from the largest channel (in-app, 1,500 a day) for 84 days on the goal's metric, activation (12%).
    const impact = await programImpact(data, 1, wednesday);
    expect(impact.metrics.filter((m) => m.goal).map((m) => m.key)).toEqual(['activation']);
    expect(impact.power).toMatchObject({ basis: 'planned', expectedLift: 0.2, expectedFrom: 'goal', dailyUsers: 1500, warning: null });
    expect(impact.power.detectableLift).toBeGreaterThan(0.09);
    expect(impact.power.detectableLift).toBeLessThan(0.11);
  });
});
