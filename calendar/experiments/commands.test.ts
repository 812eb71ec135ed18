import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { createPlan } from '../plans/index.ts';
import { createPlannedExperiment, updatePlannedExperiment, type PlannedExperimentInput } from '../planning/index.ts';
import { createExperiment, getExperimentDetail, startExperiment, updateExperiment, type CreateExperimentInput } from './index.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const ctx = { actor: 'ana', nowMs };
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(nowMs, (db, fresh) => { data = fresh; rows = experimentRows(db); });

const twoVariants = [{ key: 'a' }, { key: 'b' }];
const week3: PlannedExperimentInput = {
  name: 'Shorter signup form', week: 3, channels: ['landing-page'], primaryMetric: 'click_through', durationDays: 14,
  successCriteria: [{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.1 }],
  variants: [{ key: 'control', name: 'Long form', weight: 1 }, { key: 'short', name: 'Short form', weight: 1 }]
};
const newPlan = () => createPlan(data, { name: 'Q1', startDate: '2027-03-01', weeks: 12 }, ctx);

describe('createExperiment: the one writer', () => {
  it.each<[string, Partial<CreateExperimentInput>, RegExp]>([
    ['a criterion on an unknown metric', { successCriteria: [{ kind: 'lift', metricKey: 'nope', minRelativeLift: 0.1, description: 'x' }] }, /unknown metric 'nope'/],
    ['a metric under two roles', { metrics: { primary: ['activation'], guardrail: ['activation'] } }, /two roles/],
    ['an unknown plan', { planId: 99 }, /plan '99' was not found/],
    ['an invalid coverage (no edge validation in front)', { coverage: 2 }, /coverage/],
    ['a start date that does not exist', { startDate: '2026-02-31' }, /not a real calendar date/],
    ['a negative minimum lift (direction is the metric\'s own)', { successCriteria: [{ kind: 'lift', metricKey: 'bounce', minRelativeLift: -0.1, description: 'x' }] }, /improvement in the metric's direction/]
  ])('refuses %s with a domain error', async (_name, change, message) => {
    await expect(createExperiment(data, { key: 'x', name: 'X', variants: twoVariants, ...change }, ctx)).rejects.toThrow(message);
    expect(await data.experiments.byKey('x')).toBeNull();
  });
});

describe('the week editor writes through createExperiment / updateExperiment', () => {
  it('keeps what only the API sets (coverage, targeting, seed) when the planner edits the experiment', async () => {
    const { key } = await createPlannedExperiment(data, (await newPlan()).id, week3, ctx);
    await updateExperiment(data, key, { coverage: 0.5, seed: 's1', targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }] }, ctx);
    await updatePlannedExperiment(data, key, { ...week3, name: 'Short signup form', week: 4 }, ctx);
    expect(await getExperimentDetail(data, key)).toMatchObject({
      name: 'Short signup form', week: 4, startDate: '2027-03-22', coverage: 0.5, seed: 's1',
      targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }]
    });
  });

  it('renames a draft variant (names are sent even when keys and weights stay)', async () => {
    const { key } = await createPlannedExperiment(data, (await newPlan()).id, week3, ctx);
    await updatePlannedExperiment(data, key, { ...week3, variants: [week3.variants[0]!, { key: 'short', name: 'Three fields', weight: 1 }] }, ctx);
    expect((await getExperimentDetail(data, key)).variants.map((v) => v.name)).toEqual(['Long form', 'Three fields']);
  });

  it('refuses, even confirmed, to remove a variant users were exposed to', async () => {
    const { key, id } = await createPlannedExperiment(data, (await newPlan()).id, week3, ctx);
    await startExperiment(data, key, ctx);
    rows.addExposures([{ experimentId: id, userId: 'u1', variantKey: 'short', firstExposedAtMs: nowMs, lastExposedAtMs: nowMs }]);
    const dropShort = { ...week3, variants: [week3.variants[0]!, { key: 'shorter', name: 'Shorter', weight: 1 }] };
    await expect(updatePlannedExperiment(data, key, dropShort, { ...ctx, confirmVariantChange: true })).rejects.toThrow(/1 users were exposed/);
    expect((await getExperimentDetail(data, key)).variants.map((v) => v.key)).toEqual(['control', 'short']);
  });

  it('a week past a 12-week plan is refused on update too', async () => {
    const { key } = await createPlannedExperiment(data, (await newPlan()).id, week3, ctx);
    await expect(updatePlannedExperiment(data, key, { ...week3, week: 13 }, ctx)).rejects.toThrow(/week must be between 1 and 12/);
  });
});

describe('updateExperiment: a concluded result is frozen', () => {
  it.each<[string, Parameters<typeof updateExperiment>[2]]>([
    ['variants', { variants: [{ key: 'a', weight: 1 }, { key: 'b', weight: 3 }], confirm: true }],
    ['success criteria', { successCriteria: [{ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.01, description: 'lower bar' }] }],
    ['metric roles', { metrics: { primary: ['ebook_access'] } }],
    ['the seed', { seed: 'reshuffle', confirm: true }]
  ])('refuses to change %s after conclusion, but still takes notes', async (_name, patch) => {
    await createExperiment(data, { key: 'done', name: 'Done', variants: twoVariants }, ctx);
    rows.setExperiments({ key: 'done' }, { status: 'concluded' });
    await expect(updateExperiment(data, 'done', patch, ctx)).rejects.toThrow(/is concluded: .* can no longer change/);
    expect((await updateExperiment(data, 'done', { notes: 'learned a lot' }, ctx)).notes).toBe('learned a lot');
  });
});

describe('updateExperiment: dates of a started experiment move only through the lifecycle', () => {
  it.each<[string, Parameters<typeof updateExperiment>[2]]>([
    ['start date', { startDate: '2027-06-07' }],
    ['duration', { durationDays: 30 }],
    ['week', { week: 9 }]
  ])('refuses a new %s while running, accepts the same value', async (_name, patch) => {
    await createExperiment(data, { key: 'live', name: 'Live', variants: twoVariants, startDate: '2026-11-25', week: 1, durationDays: 14, exploratory: true }, ctx);
    await startExperiment(data, 'live', ctx);
    await expect(updateExperiment(data, 'live', patch, ctx)).rejects.toThrow(/is running: .* change only through extend/);
    const live = await getExperimentDetail(data, 'live');
    const same = Object.fromEntries(Object.keys(patch).map((k) => [k, live[k as 'week']]));
    await expect(updateExperiment(data, 'live', same, ctx)).resolves.toBeDefined();
  });
});
