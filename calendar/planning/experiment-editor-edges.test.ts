/** The week editor: keys from week and name, criterion descriptions, one role per metric,
 *  what an update may change in each status, and its refusals with their messages. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { createPlan } from '../plans/index.ts';
import { transition } from '../lifecycle/index.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { createPlannedExperiment, updatePlannedExperiment, type PlannedExperimentInput } from './index.ts';
import { slugify } from './experiment-editor.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const ctx = { actor: 'ana', nowMs };
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(nowMs, (db, fresh) => { data = fresh; rows = experimentRows(db); });

const input: PlannedExperimentInput = {
  name: 'Shorter signup form', week: 3, channels: ['landing-page'], primaryMetric: 'click_through', durationDays: 14,
  successCriteria: [{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.1 }],
  variants: [{ key: 'control', name: 'Long form', weight: 1 }, { key: 'short', name: 'Short form', weight: 1 }]
};
// The plan starts Monday 1 March 2027; week n starts 7(n - 1) days later.
const newPlan = async () => (await createPlan(data, { name: 'Q1', startDate: '2027-03-01', weeks: 13, goal: 'sign-ups', owner: 'Ana', dailyTraffic: {} }, ctx)).id;
const row = (key: string) => rows.row(key);
const variantRows = (id: number) => rows.variants(id).map((v) => [v.key, v.weight, v.isControl]);

describe('slugify', () => {
  it.each<[string, string]>([
    ['Landing page: testimonials!', 'landing-page-testimonials'],
    ['  --Already-Sluggy--  ', 'already-sluggy'],
    ['Café crème', 'cafe-creme'],
    ['!!!', 'experiment'],
    ['', 'experiment'],
    ['a'.repeat(70), 'a'.repeat(60)],
  ])('%j -> %j', (text, slug) => expect(slugify(text)).toBe(slug));
});

describe('createPlannedExperiment', () => {
  it('keys from the two-digit week and the name, numbered when taken', async () => {
    const plan = await newPlan();
    expect((await createPlannedExperiment(data, plan, input, ctx)).key).toBe('w03-shorter-signup-form');
    expect((await createPlannedExperiment(data, plan, input, ctx)).key).toBe('w03-shorter-signup-form-2');
    expect((await createPlannedExperiment(data, plan, input, ctx)).key).toBe('w03-shorter-signup-form-3');
    expect((await createPlannedExperiment(data, plan, { ...input, week: 11 }, ctx)).key).toBe('w11-shorter-signup-form');
    expect((await createPlannedExperiment(data, plan, { ...input, key: 'my-own-key' }, ctx)).key).toBe('my-own-key');
  });

  it('describes criteria that have no description; keeps those that have one', async () => {
    const { id } = await createPlannedExperiment(data, await newPlan(), { ...input, successCriteria: [
      { kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.204, maxPValue: 0.01 },
      { kind: 'guardrail', metricKey: 'bounce', maxRelativeDegradation: 0.055 },
      { kind: 'lift', metricKey: 'signup', minRelativeLift: 0.1, description: 'signups up 10%' },
      { kind: 'qualitative', description: 'users like it' }
    ] }, ctx);
    expect(rows.criteria(id).map((c) => c.description)).toEqual([
      'click_through improves by at least 20% (p < 0.01)',
      'bounce gets no more than 6% worse',
      'signups up 10%',
      'users like it'
    ]);
  });

  it('gives each metric one role, the first listed winning, and lists all of them as planned', async () => {
    const { id, key } = await createPlannedExperiment(data, await newPlan(), { ...input,
      secondaryMetrics: ['signup', 'click_through', 'signup'], guardrailMetrics: ['bounce', 'signup', 'click_through', 'bounce'] }, ctx);
    const roles = rows.metricRoles(id);
    expect(Object.fromEntries(roles.map((r) => [r.key, r.role]))).toEqual({ click_through: 'primary', signup: 'secondary', bounce: 'guardrail' });
    expect(roles).toHaveLength(3);
    expect(row(key).metricsPlanned).toEqual(['click_through', 'signup', 'click_through', 'signup', 'bounce', 'signup', 'click_through', 'bounce']);
  });

  it('without a primary metric, the others keep their roles', async () => {
    const { id } = await createPlannedExperiment(data, await newPlan(), { ...input, primaryMetric: null, secondaryMetrics: ['signup'], guardrailMetrics: ['bounce'] }, ctx);
    const roles = rows.metricRoles(id);
    expect(Object.fromEntries(roles.map((r) => [r.key, r.role]))).toEqual({ signup: 'secondary', bounce: 'guardrail' });
  });

  it.each<[string, () => number | Promise<number>, Partial<PlannedExperimentInput>, new (...args: never[]) => Error, string]>([
    ['an unknown plan', () => 999, {}, NotFoundError, "plan '999' was not found"],
    ['week 13 of a 12-week plan', async () => (await createPlan(data, { name: 'Q2', startDate: '2027-03-01', weeks: 12, goal: 'g', owner: 'o', dailyTraffic: {} }, ctx)).id,
      { week: 13 }, InvalidInputError, 'week must be between 1 and 12, got 13'],
    ['a bad form', () => newPlan(), { name: '', durationDays: 0 }, InvalidInputError, 'name: '],
  ])('refuses %s', async (_name, planId, change, errorClass, message) => {
    const id = await planId();
    const call = () => createPlannedExperiment(data, id, { ...input, ...change }, ctx);
    await expect(call()).rejects.toThrow(errorClass);
    await expect(call()).rejects.toThrow(message);
  });

  it('the last week of a plan is fine', async () => {
    const plan = (await createPlan(data, { name: 'Q2', startDate: '2027-03-01', weeks: 12, goal: 'g', owner: 'o', dailyTraffic: {} }, ctx)).id;
    expect(row((await createPlannedExperiment(data, plan, { ...input, week: 12 }, ctx)).key)).toMatchObject({ week: 12, startDate: '2027-05-17' });
  });
});

describe('updatePlannedExperiment', () => {
  it('a draft moves to another week and changes its variants freely', async () => {
    const { key, id } = await createPlannedExperiment(data, await newPlan(), input, ctx);
    await updatePlannedExperiment(data, key, { ...input, week: 5, variants: [{ key: 'control', name: 'A', weight: 1 }, { key: 'b', name: 'B', weight: 3 }] }, ctx);
    expect(row(key)).toMatchObject({ week: 5, startDate: '2027-03-29' });
    expect(variantRows(id)).toEqual([['control', 0.25, true], ['b', 0.75, false]]);
  });

  it('a running experiment keeps its week and start date', async () => {
    const { key } = await createPlannedExperiment(data, await newPlan(), input, ctx);
    await transition(data, key, 'start', ctx);
    const started = row(key).startDate;
    await updatePlannedExperiment(data, key, { ...input, week: 9, name: 'Renamed' }, ctx);
    expect(row(key)).toMatchObject({ week: 3, startDate: started, name: 'Renamed' });
  });

  it('a running experiment: the same weights at another scale are no change; new keys, weights or count are', async () => {
    const { key, id } = await createPlannedExperiment(data, await newPlan(), input, ctx);
    await transition(data, key, 'start', ctx);
    const audits = () => rows.audit({ action: 'experiment.variants-changed-while-running' }).length;
    await updatePlannedExperiment(data, key, { ...input, variants: [{ key: 'control', name: 'Long', weight: 5 }, { key: 'short', name: 'Short', weight: 5 }] }, ctx);
    expect(audits()).toBe(0);
    for (const changed of [
      [{ key: 'control', name: 'A', weight: 1 }, { key: 'other', name: 'B', weight: 1 }],
      [{ key: 'control', name: 'A', weight: 1 }, { key: 'short', name: 'B', weight: 1.001 }],
      [{ key: 'control', name: 'A', weight: 1 }, { key: 'short', name: 'B', weight: 1 }, { key: 'third', name: 'C', weight: 1 }],
    ]) {
      await expect(updatePlannedExperiment(data, key, { ...input, variants: changed }, ctx)).rejects.toThrow(/explicit confirmation/);
    }
    expect(audits()).toBe(0);
    await updatePlannedExperiment(data, key, { ...input, variants: [{ key: 'control', name: 'A', weight: 3 }, { key: 'short', name: 'B', weight: 1 }] }, { ...ctx, confirmVariantChange: true });
    expect(variantRows(id)).toEqual([['control', 0.75, true], ['short', 0.25, false]]);
    expect(rows.lastAudit()).toMatchObject({
      actor: 'ana', action: 'experiment.variants-changed-while-running', entityType: 'experiment', entityId: key, atMs: nowMs,
      details: { from: [['control', 0.5], ['short', 0.5]], to: [['control', 0.75], ['short', 0.25]] }
    });
  });

  it.each<[string, (key: string, id: number) => unknown, Partial<PlannedExperimentInput>, new (...args: never[]) => Error, (key: string) => string]>([
    ['an unknown experiment', () => {}, {}, NotFoundError, () => "experiment 'nope' was not found"],
    ['a stopped experiment', async (key) => { await transition(data, key, 'start', ctx); await transition(data, key, 'stop', ctx); }, {}, ConflictError,
      (key) => `experiment '${key}' is stopped; it can no longer be edited`],
    ['an experiment in no plan', (_key, id) => { rows.setExperiments({ id }, { planId: null }); }, {}, ConflictError,
      (key) => `experiment '${key}' belongs to no plan`],
    ['a draft moved past the plan', () => {}, { week: 13.5 }, InvalidInputError, () => 'week: '],
  ])('refuses %s', async (name, setup, change, errorClass, message) => {
    const created = await createPlannedExperiment(data, await newPlan(), input, ctx);
    await setup(created.key, created.id);
    const key = name === 'an unknown experiment' ? 'nope' : created.key;
    const call = () => updatePlannedExperiment(data, key, { ...input, name: 'Renamed', ...change }, ctx);
    await expect(call()).rejects.toThrow(errorClass);
    await expect(call()).rejects.toThrow(message(key));
    expect(row(created.key).name).toBe('Shorter signup form');
  });

  it('a scheduled experiment is edited like a draft', async () => {
    const { key } = await createPlannedExperiment(data, await newPlan(), input, ctx);
    await transition(data, key, 'schedule', ctx);
    await updatePlannedExperiment(data, key, { ...input, week: 2 }, ctx);
    expect(row(key)).toMatchObject({ status: 'scheduled', week: 2, startDate: '2027-03-08' });
  });
});

describe('the planner\'s optional fields reach the experiment writer only when given', () => {
  it('exploratory is stored when ticked, and an update that does not send it leaves it and does not list it', async () => {
    const { key, id } = await createPlannedExperiment(data, await newPlan(), { ...input, successCriteria: [], exploratory: true }, ctx);
    expect(row(key).exploratory).toBe(true);
    await updatePlannedExperiment(data, key, { ...input, successCriteria: [], name: 'Renamed' }, ctx);
    expect(row(key)).toMatchObject({ id, exploratory: true, name: 'Renamed' });
    const fields = rows.audit({ entityId: key, action: 'experiment.update' }).at(-1)!.details.fields as string[];
    expect(fields).not.toContain('exploratory');
    expect(fields).not.toContain('amendmentReason');
    await updatePlannedExperiment(data, key, { ...input, successCriteria: [], exploratory: false }, ctx);
    expect(row(key).exploratory).toBe(false);
  });

  it('a started experiment\'s criteria change with the amendment reason the planner gives, and not without one', async () => {
    const { key } = await createPlannedExperiment(data, await newPlan(), input, ctx);
    await transition(data, key, 'start', ctx);
    const lower = { ...input, successCriteria: [{ kind: 'lift' as const, metricKey: 'click_through', minRelativeLift: 0.05 }] };
    await expect(updatePlannedExperiment(data, key, lower, ctx)).rejects.toThrow(/needs a reason \("amendmentReason"\)/);
    await updatePlannedExperiment(data, key, { ...lower, amendmentReason: 'the 10% bar was a typo' }, ctx);
    expect(rows.criteria(row(key).id).map((c) => c.minRelativeLift)).toEqual([0.05]);
    const audit = rows.audit({ entityId: key, action: 'experiment.update' }).at(-1)!;
    expect(audit.details.patch).toMatchObject({ amendmentReason: 'the 10% bar was a typo' });
  });
});

describe('the editor\'s answers and checks', () => {
  it('without a primary metric the planned metrics are the others, in order', async () => {
    const { key } = await createPlannedExperiment(data, await newPlan(), { ...input, primaryMetric: null, secondaryMetrics: ['signup'], guardrailMetrics: ['bounce'] }, ctx);
    expect(row(key).metricsPlanned).toEqual(['signup', 'bounce']);
  });

  it('an update answers with the key and id of the experiment', async () => {
    const created = await createPlannedExperiment(data, await newPlan(), input, ctx);
    expect(await updatePlannedExperiment(data, created.key, { ...input, name: 'Renamed' }, ctx)).toEqual(created);
  });

  it('a running experiment that loses a variant of weight 0 changes its variants (confirmation needed)', async () => {
    const { key, id } = await createPlannedExperiment(data, await newPlan(), input, ctx);
    await data.experiments.upsertVariant(id, { key: 'paused', name: 'Paused', description: null, weight: 0, isControl: false, position: 2 });
    await transition(data, key, 'start', ctx);
    await expect(updatePlannedExperiment(data, key, input, ctx)).rejects.toThrow(/explicit confirmation/);
    await updatePlannedExperiment(data, key, input, { ...ctx, confirmVariantChange: true });
    expect(variantRows(id)).toEqual([['control', 0.5, true], ['short', 0.5, false]]);
  });

  it('duplicate variant keys are refused on the variants list', async () => {
    await expect(createPlannedExperiment(data, await newPlan(), { ...input, variants: [{ key: 'a', name: 'A', weight: 1 }, { key: 'a', name: 'B', weight: 1 }] }, ctx))
      .rejects.toThrow(new InvalidInputError('variants: variant keys must be different'));
  });
});
