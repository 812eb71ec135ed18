import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { experiments, exposures } from '../../db/schema.ts';
import type { Db } from '../../db/connection.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { createPlan } from '../plans/index.ts';
import { createPlannedExperiment, updatePlannedExperiment, type PlannedExperimentInput } from '../planning/index.ts';
import { createExperiment, getExperimentDetail, startExperiment, updateExperiment, type CreateExperimentInput } from './index.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const ctx = { actor: 'ana', nowMs };
let db: Db;
useSeededDatabase(nowMs, (fresh) => { db = fresh; });

const twoVariants = [{ key: 'a' }, { key: 'b' }];
const week3: PlannedExperimentInput = {
  name: 'Shorter signup form', week: 3, channels: ['landing-page'], primaryMetric: 'click_through', durationDays: 14,
  variants: [{ key: 'control', name: 'Long form', weight: 1 }, { key: 'short', name: 'Short form', weight: 1 }]
};
const newPlan = () => createPlan(db, { name: 'Q1', startDate: '2027-03-01', weeks: 12 }, ctx);

describe('createExperiment: the one writer', () => {
  it.each<[string, Partial<CreateExperimentInput>, RegExp]>([
    ['a criterion on an unknown metric', { successCriteria: [{ kind: 'lift', metricKey: 'nope', minRelativeLift: 0.1, description: 'x' }] }, /unknown metric 'nope'/],
    ['a metric under two roles', { metrics: { primary: ['activation'], guardrail: ['activation'] } }, /two roles/],
    ['an unknown plan', { planId: 99 }, /plan '99' was not found/],
    ['an invalid coverage (no edge validation in front)', { coverage: 2 }, /coverage/],
    ['a start date that does not exist', { startDate: '2026-02-31' }, /not a real calendar date/],
    ['a negative minimum lift (direction is the metric\'s own)', { successCriteria: [{ kind: 'lift', metricKey: 'bounce', minRelativeLift: -0.1, description: 'x' }] }, /improvement in the metric's direction/]
  ])('refuses %s with a domain error', (_name, change, message) => {
    expect(() => createExperiment(db, { key: 'x', name: 'X', variants: twoVariants, ...change }, ctx)).toThrow(message);
    expect(db.select().from(experiments).where(eq(experiments.key, 'x')).get()).toBeUndefined();
  });
});

describe('the week editor writes through createExperiment / updateExperiment', () => {
  it('keeps what only the API sets (coverage, targeting, seed) when the planner edits the experiment', () => {
    const { key } = createPlannedExperiment(db, newPlan().id, week3, ctx);
    updateExperiment(db, key, { coverage: 0.5, seed: 's1', targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }] }, ctx);
    updatePlannedExperiment(db, key, { ...week3, name: 'Short signup form', week: 4 }, ctx);
    expect(getExperimentDetail(db, key)).toMatchObject({
      name: 'Short signup form', week: 4, startDate: '2027-03-22', coverage: 0.5, seed: 's1',
      targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }]
    });
  });

  it('renames a draft variant (names are sent even when keys and weights stay)', () => {
    const { key } = createPlannedExperiment(db, newPlan().id, week3, ctx);
    updatePlannedExperiment(db, key, { ...week3, variants: [week3.variants[0]!, { key: 'short', name: 'Three fields', weight: 1 }] }, ctx);
    expect(getExperimentDetail(db, key).variants.map((v) => v.name)).toEqual(['Long form', 'Three fields']);
  });

  it('refuses, even confirmed, to remove a variant users were exposed to', () => {
    const { key, id } = createPlannedExperiment(db, newPlan().id, week3, ctx);
    startExperiment(db, key, ctx);
    db.insert(exposures).values({ experimentId: id, userId: 'u1', variantKey: 'short', firstExposedAtMs: nowMs, lastExposedAtMs: nowMs }).run();
    const dropShort = { ...week3, variants: [week3.variants[0]!, { key: 'shorter', name: 'Shorter', weight: 1 }] };
    expect(() => updatePlannedExperiment(db, key, dropShort, { ...ctx, confirmVariantChange: true })).toThrow(/1 users were exposed/);
    expect(getExperimentDetail(db, key).variants.map((v) => v.key)).toEqual(['control', 'short']);
  });

  it('a week past a 12-week plan is refused on update too', () => {
    const { key } = createPlannedExperiment(db, newPlan().id, week3, ctx);
    expect(() => updatePlannedExperiment(db, key, { ...week3, week: 13 }, ctx)).toThrow(/week must be between 1 and 12/);
  });
});

describe('updateExperiment: a concluded result is frozen', () => {
  it.each<[string, Parameters<typeof updateExperiment>[2]]>([
    ['variants', { variants: [{ key: 'a', weight: 1 }, { key: 'b', weight: 3 }], confirm: true }],
    ['success criteria', { successCriteria: [{ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.01, description: 'lower bar' }] }],
    ['metric roles', { metrics: { primary: ['ebook_access'] } }],
    ['the seed', { seed: 'reshuffle', confirm: true }]
  ])('refuses to change %s after conclusion, but still takes notes', (_name, patch) => {
    createExperiment(db, { key: 'done', name: 'Done', variants: twoVariants }, ctx);
    db.update(experiments).set({ status: 'concluded' }).where(eq(experiments.key, 'done')).run();
    expect(() => updateExperiment(db, 'done', patch, ctx)).toThrow(/is concluded: .* can no longer change/);
    expect(updateExperiment(db, 'done', { notes: 'learned a lot' }, ctx).notes).toBe('learned a lot');
  });
});

describe('updateExperiment: dates of a started experiment move only through the lifecycle', () => {
  it.each<[string, Parameters<typeof updateExperiment>[2]]>([
    ['start date', { startDate: '2027-06-07' }],
    ['duration', { durationDays: 30 }],
    ['week', { week: 9 }]
  ])('refuses a new %s while running, accepts the same value', (_name, patch) => {
    createExperiment(db, { key: 'live', name: 'Live', variants: twoVariants, startDate: '2026-11-25', week: 1, durationDays: 14 }, ctx);
    startExperiment(db, 'live', ctx);
    expect(() => updateExperiment(db, 'live', patch, ctx)).toThrow(/is running: .* change only through extend/);
    const same = Object.fromEntries(Object.keys(patch).map((k) => [k, getExperimentDetail(db, 'live')[k as 'week']]));
    expect(() => updateExperiment(db, 'live', same, ctx)).not.toThrow();
  });
});
