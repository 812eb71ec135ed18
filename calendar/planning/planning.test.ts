import { beforeEach, describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { createPlan, startPlan, deletePlan } from '../plans/index.ts';
import { createIdea, moveIdeaToWeek } from '../ideas/index.ts';
import { transition } from '../lifecycle/index.ts';
import { ConflictError } from '../errors.ts';
import { createPlannedExperiment, updatePlannedExperiment, getPlanTimeline, putInOneLayer, experimentPower, type PlannedExperimentInput } from './index.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const ctx = { actor: 'ana', nowMs };
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(nowMs, (db, fresh) => { data = fresh; rows = experimentRows(db); });

const week3: PlannedExperimentInput = {
  name: 'Shorter signup form', week: 3, objective: 'More sign-ups', hypothesis: 'Fewer fields, more sign-ups',
  channels: ['landing-page'], assets: ['form v2'], primaryMetric: 'click_through', guardrailMetrics: ['bounce'],
  durationDays: 14, successCriteria: [{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.2, maxPValue: 0.05 }],
  variants: [{ key: 'control', name: 'Long form', weight: 1 }, { key: 'short', name: 'Short form', weight: 1 }],
  audience: 'new visitors', owner: 'Ana', notes: 'from the Q4 funnel review', lifecycleStage: 'acquisition'
};

function newPlan() {
  return createPlan(data, { name: 'Q1', startDate: '2027-03-01', weeks: 13, goal: '+10% sign-ups', owner: 'Ana', dailyTraffic: { 'landing-page': 1200 } }, ctx);
}

describe('plans and the week editor', () => {
  it('creates a plan with a feed token and an experiment in week 3 with every field', async () => {
    const plan = await newPlan();
    expect(plan).toMatchObject({ status: 'draft', weeks: 13, calendarToken: expect.stringMatching(/^[\w-]{32}$/) });
    const { key } = await createPlannedExperiment(data, plan.id, week3, ctx);
    expect(key).toBe('w03-shorter-signup-form');
    const row = rows.row(key);
    expect(row).toMatchObject({ status: 'draft', week: 3, startDate: '2027-03-15', audience: 'new visitors', lifecycleStage: 'acquisition' });
    expect(rows.variants(row.id).map((v) => [v.key, v.weight, v.isControl]))
      .toEqual([['control', 0.5, true], ['short', 0.5, false]]);
  });

  it('warns that the week-3 test is too short for its traffic', async () => {
    const plan = await newPlan();
    const { id } = await createPlannedExperiment(data, plan.id, week3, ctx);
    expect(await experimentPower(data, id)).toMatchObject({
      status: 'too-short', baseline: 0.035, baselineSource: 'metric', mde: 0.2, trafficSource: 'landing-page',
      message: 'needs 20 days at 1,200 users/day to detect +20% on a 3.5% baseline; planned 14'
    });
  });

  it('checks each guardrail too: a 5% margin on a rare rate needs far more than the planned days', async () => {
    const plan = await newPlan();
    const { id } = await createPlannedExperiment(data, plan.id, { ...week3, guardrailMetrics: ['unsubscribe'], successCriteria: [
      ...week3.successCriteria!, { kind: 'guardrail', metricKey: 'unsubscribe', maxRelativeDegradation: 0.05 }
    ] }, ctx);
    const guardrails = (await experimentPower(data, id)).guardrails;
    expect(guardrails).toHaveLength(1);
    expect(guardrails[0]).toMatchObject({ metricKey: 'unsubscribe', status: 'too-short' });
    expect(guardrails[0]!.daysNeeded).toBeGreaterThan(100);
  });

  it('measures the baseline from earlier experiments when the metric has none', async () => {
    const plan = await newPlan();
    rows.setMetric('click_through', { baseline: null });
    const earlier = await createPlannedExperiment(data, plan.id, { ...week3, name: 'Earlier', week: 1 }, ctx);
    rows.setExperiments({ id: earlier.id }, { status: 'concluded' });
    for (let i = 0; i < 400; i++) {
      rows.addExposures([{ experimentId: earlier.id, userId: `u${i}`, variantKey: i % 2 ? 'short' : 'control', firstExposedAtMs: 1000, lastExposedAtMs: 1000 }]);
      if (i % 20 === 0) rows.addEvents([{ userId: `u${i}`, eventName: 'click', timestampMs: 2000, receivedAtMs: 2000 }]);
    }
    const { id } = await createPlannedExperiment(data, plan.id, week3, ctx);
    // 200 control users (even i), 20 of them clicked (i % 20 === 0): 10%.
    expect(await experimentPower(data, id)).toMatchObject({ baseline: 0.1, baselineSource: 'measured' });
  });

  it.each<[string, Partial<PlannedExperimentInput>, RegExp]>([
    ['unknown metric', { primaryMetric: 'nope' }, /unknown metric 'nope'/],
    ['week past the plan', { week: 14 }, /week/],
    ['one variant', { variants: [{ key: 'a', name: 'A', weight: 1 }] }, /at least two variants/],
    ['duplicate variant keys', { variants: [{ key: 'a', name: 'A', weight: 1 }, { key: 'a', name: 'B', weight: 1 }] }, /must be different/],
    ['no channel', { channels: [] }, /channel/]
  ])('refuses %s', async (_name, change, message) => {
    const plan = await newPlan();
    await expect(createPlannedExperiment(data, plan.id, { ...week3, ...change }, ctx)).rejects.toThrow(message);
  });

  it('a running experiment changes variants only with confirmation, and that is logged', async () => {
    const plan = await newPlan();
    const { key } = await createPlannedExperiment(data, plan.id, week3, ctx);
    await transition(data, key, 'start', ctx);
    const reweighted = { ...week3, variants: [{ key: 'control', name: 'Long form', weight: 1 }, { key: 'short', name: 'Short form', weight: 3 }] };
    await expect(updatePlannedExperiment(data, key, reweighted, ctx)).rejects.toThrow(/explicit confirmation/);
    await updatePlannedExperiment(data, key, { ...week3, notes: 'typo fixed' }, ctx); // no variant change: fine
    await updatePlannedExperiment(data, key, reweighted, { ...ctx, confirmVariantChange: true });
    const last = rows.audit({ entityId: key }).at(-1)!;
    expect(last.action).toBe('experiment.variants-changed-while-running');
  });

  it('starting a plan schedules its drafts; a plan past draft cannot be deleted', async () => {
    const plan = await newPlan();
    await createPlannedExperiment(data, plan.id, week3, ctx);
    expect(await startPlan(data, plan.id, ctx)).toEqual(['w03-shorter-signup-form']);
    await expect(deletePlan(data, plan.id, ctx)).rejects.toThrow(ConflictError);
  });
});

describe('conflicts and layers', () => {
  // The starter plan ships its neighbouring weeks in one layer; these tests start from the overlap.
  beforeEach(() => rows.clearLayers());

  it('flags overlapping seeded weeks on the same channel, and a shared layer clears them', async () => {
    const timeline = await getPlanTimeline(data, 1, nowMs);
    const pair = timeline.conflicts.find((c) => c.keys.includes('w01-onboarding-ebook-reminder') && c.keys.includes('w02-email-subject-line'));
    expect(pair).toMatchObject({ channels: ['email'], from: '2026-12-07', to: '2026-12-13' });
    const result = await putInOneLayer(data, ['w01-onboarding-ebook-reminder', 'w02-email-subject-line'], ctx);
    expect(result.slices).toEqual({ 'w01-onboarding-ebook-reminder': [0, 0.5], 'w02-email-subject-line': [0.5, 1] });
    const after = await getPlanTimeline(data, 1, nowMs);
    expect(after.conflicts.some((c) => c.keys.includes('w01-onboarding-ebook-reminder') && c.keys.includes('w02-email-subject-line'))).toBe(false);
    expect(after.experiments[0]!.layer).toBe('exclusive-w01-onboarding-ebook-reminder');
  });

  it('a running member keeps its slice; a newcomer takes the free part', async () => {
    await putInOneLayer(data, ['w01-onboarding-ebook-reminder', 'w02-email-subject-line'], ctx);
    await transition(data, 'w01-onboarding-ebook-reminder', 'start', ctx);
    const result = await putInOneLayer(data, ['w01-onboarding-ebook-reminder', 'w04-first-action-incentive'], ctx);
    expect(result.slices).toEqual({ 'w02-email-subject-line': [0.5, 0.75], 'w04-first-action-incentive': [0.75, 1] });
  });
});

describe('ideas backlog', () => {
  it('moves an idea into a week as a draft experiment', async () => {
    const plan = await newPlan();
    const idea = await createIdea(data, { title: 'Exit-intent survey', source: 'user-feedback', channel: 'web', hypothesis: 'Asking why they leave finds fixes' }, ctx);
    const created = await moveIdeaToWeek(data, idea.id, { planId: plan.id, week: 5 }, ctx);
    expect(created.key).toBe('w05-exit-intent-survey');
    expect(await data.ideas.byId(idea.id)).toMatchObject({ status: 'scheduled', planId: plan.id });
    await expect(moveIdeaToWeek(data, idea.id, { planId: plan.id, week: 6 }, ctx)).rejects.toThrow(/not open/);
  });

  it('a failed move leaves the idea open', async () => {
    const plan = await newPlan();
    const idea = await createIdea(data, { title: 'Bad week', source: 'analytics' }, ctx);
    await expect(moveIdeaToWeek(data, idea.id, { planId: plan.id, week: 20 }, ctx)).rejects.toThrow();
    expect((await data.ideas.byId(idea.id))!.status).toBe('open');
  });
});
