/** experimentPower and planningMetrics: which metric, criterion, plan and earlier data each figure comes from, at their edges. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { createPlan, setPlanHoldout } from '../plans/index.ts';
import { createPlannedExperiment, type PlannedExperimentInput } from './index.ts';
import { experimentPower, planningMetrics, trafficShareOf } from './experiment-power.ts';
import { guardrailPowerCheck, powerCheck } from './power.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const ctx = { actor: 'ana', nowMs };
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(nowMs, (db, fresh) => { data = fresh; rows = experimentRows(db); });

// click_through: binomial on 'click', baseline 0.035 in the seed; revenue: a sum on 'purchase'.
const week3: PlannedExperimentInput = {
  name: 'Shorter signup form', week: 3, channels: ['landing-page'], primaryMetric: 'click_through', durationDays: 14,
  successCriteria: [{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.2, maxPValue: 0.05 }],
  variants: [{ key: 'control', name: 'Long form', weight: 1 }, { key: 'short', name: 'Short form', weight: 1 }]
};
const plan = async () => (await createPlan(data, { name: 'Q1', startDate: '2027-03-01', weeks: 13, goal: 'sign-ups', owner: 'Ana', dailyTraffic: { 'landing-page': 1200 } }, ctx)).id;
const create = async (change: Partial<PlannedExperimentInput> = {}, planId?: number) =>
  (await createPlannedExperiment(data, planId ?? await plan(), { ...week3, ...change }, ctx)).id;

/** A concluded experiment with 100 control users, `converted` of whom fired `event` after exposure. */
async function concluded(change: Partial<PlannedExperimentInput>, event: string, converted: number) {
  const id = await create({ name: `Earlier ${event}`, ...change });
  rows.setExperiments({ id }, { status: 'concluded' });
  rows.addExposures(Array.from({ length: 100 }, (_, i) => ({ experimentId: id, userId: `e${id}-u${i}`, variantKey: 'control', firstExposedAtMs: 1000 })));
  rows.addEvents(Array.from({ length: converted }, (_, i) => ({ userId: `e${id}-u${i}`, eventName: event, timestampMs: 2000 })));
  return id;
}

describe('experimentPower: where each input comes from', () => {
  it('a lift criterion sets MDE and alpha even after a guardrail on the same metric', async () => {
    const id = await create({ plannedMde: 0.25, successCriteria: [
      { kind: 'guardrail', metricKey: 'click_through', maxRelativeDegradation: 0.1 },
      { kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.3, maxPValue: 0.01 }
    ] });
    expect(await experimentPower(data, id)).toMatchObject({ mde: 0.3, alpha: 0.01 });
  });

  it('only the primary role counts as the primary metric', async () => {
    const id = await create({ primaryMetric: null, secondaryMetrics: ['signup'], successCriteria: [] });
    expect(await experimentPower(data, id)).toMatchObject({ metricKey: null, status: 'unknown', message: 'no primary metric: choose one to check the duration' });
  });

  it('an experiment in no plan has no traffic and no holdout, and still gets its check', async () => {
    const id = await create();
    rows.setExperiments({ id }, { planId: null });
    expect(await experimentPower(data, id)).toMatchObject({ metricKey: 'click_through', dailyUsers: null, trafficSource: null, status: 'unknown' });
  });

  it('the plan\'s program holdout takes its share of the traffic', async () => {
    const planId = await plan();
    await setPlanHoldout(data, planId, { share: 0.2 }, ctx);
    const id = await create({}, planId);
    const e = rows.row((await data.experiments.byId(id))!.key);
    const power = await experimentPower(data, id);
    const inputs = { baseline: 0.035, mde: 0.2, alpha: 0.05, dailyUsers: 1200, weights: [0.5, 0.5], plannedDays: 14 };
    expect(trafficShareOf(e, 0.2)).toBeCloseTo(0.8, 12);
    expect(power).toMatchObject(powerCheck({ ...inputs, coverage: 0.8 }));
    expect(power.daysNeeded).not.toBe(powerCheck({ ...inputs, coverage: 1 }).daysNeeded);
  });

  it('a measured baseline leaves out the experiment asked about', async () => {
    rows.setMetric('click_through', { baseline: null });
    const own = await concluded({}, 'click', 10);
    expect(await experimentPower(data, own)).toMatchObject({ baseline: null, baselineSource: 'none' });
    const next = await create();
    expect(await experimentPower(data, next)).toMatchObject({ baseline: 0.1, baselineSource: 'measured' });
  });

  it('a guardrail\'s measured baseline leaves out the experiment asked about too', async () => {
    rows.setMetric('bounce', { baseline: null });
    const guarded = { guardrailMetrics: ['bounce'], successCriteria: [...week3.successCriteria!, { kind: 'guardrail' as const, metricKey: 'bounce', maxRelativeDegradation: 0.1 }] };
    const own = await concluded(guarded, 'bounce', 40);
    expect((await experimentPower(data, own)).guardrails).toMatchObject([{ metricKey: 'bounce', status: 'unknown', message: 'guardrail bounce: no baseline rate to check its sample' }]);
    const next = await create(guarded);
    const traffic = { dailyUsers: 1200, weights: [0.5, 0.5], coverage: 1, plannedDays: 14 };
    expect((await experimentPower(data, next)).guardrails).toEqual([guardrailPowerCheck({ metricKey: 'bounce', baseline: 0.4, maxRelativeDegradation: 0.1, ...traffic })]);
  });

  it('a monitor-only guardrail (no margin) gets no power check', async () => {
    const w01 = (await data.experiments.byKey('w01-onboarding-ebook-reminder'))!;
    const criteria = await data.experiments.criteria(w01.id);
    expect(criteria.filter((c) => c.kind === 'guardrail').map((c) => [c.metricKey, c.maxRelativeDegradation])).toEqual([['unsubscribe', null]]);
    expect((await experimentPower(data, w01.id)).guardrails).toEqual([]);
  });
});

describe('planningMetrics', () => {
  it('lists metrics by name, not by key', async () => {
    rows.setMetric('activation', { name: 'Zz last by name' });
    rows.setMetric('unsubscribe', { name: 'Aa first by name' });
    rows.setMetric('bounce', { name: 'Mm in the middle' });
    const names = (await planningMetrics(data)).map((m) => m.name);
    expect(names[0]).toBe('Aa first by name');
    expect(names.at(-1)).toBe('Zz last by name');
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const keys = (await data.metrics.list()).map((m) => m.key);
    expect(keys.indexOf('activation')).toBeLessThan(keys.indexOf('unsubscribe'));
  });

  it('metrics of the same name keep their key order', async () => {
    rows.setMetric('activation', { name: 'Same name' });
    rows.setMetric('bounce', { name: 'Same name' });
    rows.setMetric('unsubscribe', { name: 'Same name' });
    const same = (await planningMetrics(data)).filter((m) => m.name === 'Same name').map((m) => m.key);
    expect(same).toEqual(['activation', 'bounce', 'unsubscribe']);
  });

  it('measures only rate metrics: a sum metric without a baseline has none, whatever earlier experiments saw', async () => {
    await concluded({ secondaryMetrics: ['revenue'] }, 'purchase', 30);
    rows.setMetric('click_through', { baseline: null });
    const byKey = new Map((await planningMetrics(data)).map((m) => [m.key, m]));
    expect(byKey.get('revenue')).toMatchObject({ kind: 'sum', baseline: null, baselineSource: 'none' });
    expect(byKey.get('click_through')).toMatchObject({ baseline: 0, baselineSource: 'measured' });
  });
});
