/** experimentPower reads the right inputs from the database (baseline source, MDE, alpha,
 *  traffic, weights, coverage, guardrails), and measuredBaseline counts only what it should. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { createPlan } from '../plans/index.ts';
import { createPlannedExperiment, experimentPower, type PlannedExperimentInput } from './index.ts';
import { MIN_MEASURED_USERS, measuredBaseline } from './baseline.ts';
import { planningMetrics } from './experiment-power.ts';
import { guardrailPowerCheck, powerCheck } from './power.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const ctx = { actor: 'ana', nowMs };
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(nowMs, (db, fresh) => { data = fresh; rows = experimentRows(db); });

// click_through: binomial, baseline 0.035 in the seed; time_to_activation: a sum metric.
const week3: PlannedExperimentInput = {
  name: 'Shorter signup form', week: 3, channels: ['landing-page'], primaryMetric: 'click_through', durationDays: 14,
  successCriteria: [{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.2, maxPValue: 0.05 }],
  variants: [{ key: 'control', name: 'Long form', weight: 1 }, { key: 'short', name: 'Short form', weight: 1 }]
};

function plan(dailyTraffic: Record<string, number> = { 'landing-page': 1200, 'new visitors': 300 }) {
  return createPlan(data, { name: 'Q1', startDate: '2027-03-01', weeks: 13, goal: 'sign-ups', owner: 'Ana', dailyTraffic }, ctx);
}
const create = async (change: Partial<PlannedExperimentInput> = {}, traffic?: Record<string, number>) =>
  (await createPlannedExperiment(data, (await plan(traffic)).id, { ...week3, ...change }, ctx)).id;

describe('experimentPower', () => {
  it('the experiment\'s own baseline comes first; the lift criterion gives MDE and alpha; the audience gives the traffic', async () => {
    const id = await create({ baselineRate: 0.1, audience: 'new visitors',
      successCriteria: [{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.3, maxPValue: 0.01 }],
      variants: [{ key: 'control', name: 'A', weight: 3 }, { key: 'b', name: 'B', weight: 1 }] });
    rows.setExperiments({ id }, { coverage: 0.5 });
    const power = await experimentPower(data, id);
    expect(power).toMatchObject({ metricKey: 'click_through', baseline: 0.1, baselineSource: 'experiment', mde: 0.3, alpha: 0.01,
      dailyUsers: 300, trafficSource: 'new visitors', guardrails: [] });
    expect(power).toMatchObject(powerCheck({ baseline: 0.1, mde: 0.3, alpha: 0.01, dailyUsers: 300, weights: [0.75, 0.25], coverage: 0.5, plannedDays: 14 }));
  });

  it('without a positive lift criterion the planned MDE is used, at alpha 0.05', async () => {
    const id = await create({ plannedMde: 0.25, successCriteria: [{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0 }] });
    expect(await experimentPower(data, id)).toMatchObject({ baseline: 0.035, baselineSource: 'metric', mde: 0.25, alpha: 0.05,
      ...powerCheck({ baseline: 0.035, mde: 0.25, dailyUsers: 1200, weights: [0.5, 0.5], plannedDays: 14 }) });
  });

  it('a lift criterion on another metric does not set the MDE', async () => {
    const id = await create({ plannedMde: 0.25, successCriteria: [{ kind: 'lift', metricKey: 'signup', minRelativeLift: 0.5, maxPValue: 0.01 }] });
    expect(await experimentPower(data, id)).toMatchObject({ mde: 0.25, alpha: 0.05 });
  });

  it('no primary metric', async () => {
    const id = await create({ primaryMetric: null, successCriteria: [] });
    expect(await experimentPower(data, id)).toMatchObject({ metricKey: null, baseline: null, baselineSource: 'none', status: 'unknown',
      perArm: null, totalUsers: null, daysNeeded: null, plannedDays: 14, message: 'no primary metric: choose one to check the duration' });
  });

  it('a sum metric is not checked, unless the experiment gives its own baseline rate', async () => {
    const id = await create({ primaryMetric: 'revenue', successCriteria: [] , plannedMde: 0.2 });
    expect(await experimentPower(data, id)).toMatchObject({ metricKey: 'revenue', baselineSource: 'none', status: 'unknown', perArm: null,
      totalUsers: null, daysNeeded: null, plannedDays: 14, message: 'the power check covers rate metrics; revenue is a sum metric' });
    const own = await create({ primaryMetric: 'revenue', successCriteria: [], plannedMde: 0.2, baselineRate: 0.12 });
    expect(await experimentPower(data, own)).toMatchObject({ baselineSource: 'experiment', status: 'ok', daysNeeded: 6 });
  });

  it('no traffic for the channel', async () => {
    const id = await create({}, { email: 1000 });
    expect(await experimentPower(data, id)).toMatchObject({ dailyUsers: null, trafficSource: null, status: 'unknown',
      message: 'no daily traffic for this channel or audience in the plan' });
  });

  it('checks only guardrails with a margin on a rate metric, with the metric\'s baseline', async () => {
    const id = await create({ guardrailMetrics: ['unsubscribe', 'bounce', 'revenue'], successCriteria: [
      ...week3.successCriteria!,
      { kind: 'guardrail', metricKey: 'bounce', maxRelativeDegradation: 0.1 },
      { kind: 'guardrail', metricKey: 'revenue', maxRelativeDegradation: 0.1 },
      { kind: 'qualitative', description: 'no complaints' }
    ] });
    const traffic = { dailyUsers: 1200, weights: [0.5, 0.5], coverage: 1, plannedDays: 14 };
    expect((await experimentPower(data, id)).guardrails).toEqual([
      guardrailPowerCheck({ metricKey: 'bounce', baseline: 0.45, maxRelativeDegradation: 0.1, ...traffic })
    ]);
  });

  it('a guardrail metric without a baseline is measured, else unknown', async () => {
    rows.setMetric('bounce', { baseline: null });
    const id = await create({ successCriteria: [...week3.successCriteria!, { kind: 'guardrail', metricKey: 'bounce', maxRelativeDegradation: 0.1 }] });
    expect((await experimentPower(data, id)).guardrails).toMatchObject([{ metricKey: 'bounce', status: 'unknown', message: 'guardrail bounce: no baseline rate to check its sample' }]);
  });
});

/** An earlier, ended experiment on click_through (event 'click') with `users` control users, `clicked` of whom clicked after exposure. */
async function earlier(users: number, clicked: number, status: 'concluded' | 'running' | 'stopped' | 'promoted' = 'concluded', week = 1) {
  const { id } = await createPlannedExperiment(data, (await plan()).id, { ...week3, name: `Earlier ${week}`, week }, ctx);
  rows.setExperiments({ id }, { status });
  const control = Array.from({ length: users }, (_, i) => `e${id}-u${i}`);
  rows.addExposures(control.flatMap((userId) => [
    { experimentId: id, userId, variantKey: 'control', firstExposedAtMs: 1000, lastExposedAtMs: 1000 },
    { experimentId: id, userId: `${userId}-t`, variantKey: 'short', firstExposedAtMs: 1000, lastExposedAtMs: 1000 }
  ]));
  rows.addEvents(control.flatMap((userId, i) => [
    { userId: `${userId}-t`, eventName: 'click', timestampMs: 2000, receivedAtMs: 2000 }, // treatment: ignored
    i < clicked
      ? { userId, eventName: 'click', timestampMs: 1000, receivedAtMs: 1000 } // at exposure: counts
      : { userId, eventName: 'click', timestampMs: 999, receivedAtMs: 999 } // before exposure: ignored
  ]));
  return id;
}
const clickThrough = () => rows.metric('click_through').id;

describe('measuredBaseline', () => {
  it('needs 100 control users', () => expect(MIN_MEASURED_USERS).toBe(100));

  it.each<[string, () => Promise<unknown>, Awaited<ReturnType<typeof measuredBaseline>>]>([
    ['exactly 100 control users of a concluded test', () => earlier(100, 7), { rate: 0.07, users: 100, experiments: 1 }],
    ['99 control users are too few', () => earlier(99, 7), null],
    ['stopped and promoted tests count, running ones not', async () => { await earlier(60, 6, 'stopped', 1); await earlier(40, 2, 'promoted', 2); await earlier(200, 200, 'running', 3); },
      { rate: 0.08, users: 100, experiments: 2 }],
    ['nobody converted', () => earlier(100, 0), { rate: 0, users: 100, experiments: 1 }],
  ])('%s', async (_name, setup, expected) => {
    await setup();
    expect(await measuredBaseline(data, clickThrough())).toEqual(expected);
  });

  it('leaves out the experiment asked about', async () => {
    const id = await earlier(100, 7);
    expect(await measuredBaseline(data, clickThrough(), { excludeExperimentId: id })).toBeNull();
  });

  it('planningMetrics says where each baseline comes from', async () => {
    rows.setMetric('click_through', { baseline: null });
    rows.setMetric('signup', { baseline: null });
    await earlier(100, 7);
    const byKey = new Map((await planningMetrics(data)).map((m) => [m.key, m]));
    expect(byKey.get('click_through')).toMatchObject({ key: 'click_through', kind: 'binomial', baseline: 0.07, baselineSource: 'measured' });
    expect(byKey.get('signup')).toMatchObject({ baseline: null, baselineSource: 'none' });
    expect(byKey.get('bounce')).toMatchObject({ baseline: 0.45, baselineSource: 'metric' });
    expect(byKey.get('revenue')).toMatchObject({ kind: 'sum', baseline: null, baselineSource: 'none' });
    const names = (await planningMetrics(data)).map((m) => m.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
