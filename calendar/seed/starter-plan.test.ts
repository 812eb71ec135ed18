import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { getPlanTimeline } from '../planning/index.ts';
import { starterPlanTemplate } from './template.ts';

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

  it('week 1 passes the power check at its share of the traffic (half the in-app users), guardrails included', async () => {
    const week1 = (await getPlanTimeline(data, 1, wednesday)).experiments.find((e) => e.week === 1)!;
    expect(week1.power).toMatchObject({ status: 'ok', dailyUsers: 1500, metricKey: 'activation' });
    expect(week1.power.message).toMatch(/at 750 users\/day/);
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
});
