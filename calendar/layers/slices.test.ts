/** Layer slices: what a usable slice is, which members would share users, and the layer page's commands. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { transition } from '../lifecycle/index.ts';
import { experimentPower } from '../planning/index.ts';
import { createLayer, deleteLayer, listLayers, setLayerSlices, sliceClashes, sliceProblem, type Slice } from './index.ts';

describe('sliceProblem', () => {
  // [name, slice, problem]
  it.each<[string, Slice, string | null]>([
    ['the whole layer', [0, 1], null],
    ['a middle part', [0.25, 0.5], null],
    ['start above end', [0.5, 0.25], 'the start (50%) must be below the end (25%)'],
    ['an empty slice', [0.3, 0.3], 'the start (30%) must be below the end (30%)'],
    ['below 0', [-0.1, 0.5], 'both ends must be between 0 and 100%'],
    ['above 100%', [0.5, 1.2], 'both ends must be between 0 and 100%'],
    ['not a number', [Number.NaN, 0.5], 'both ends must be numbers between 0 and 100%']
  ])('%s', (_name, slice, problem) => {
    expect(sliceProblem(slice)).toBe(problem);
  });
});

describe('sliceClashes', () => {
  const m = (key: string, slice: Slice, startDate: string | null, extra: { status?: string; durationDays?: number } = {}) =>
    ({ key, name: key, status: extra.status ?? 'scheduled', startDate, durationDays: extra.durationDays ?? 7, slice }) as Parameters<typeof sliceClashes>[0][number];
  // [name, members, clashing pairs by key]
  it.each<[string, ReturnType<typeof m>[], string[][]]>([
    ['same time, overlapping slices', [m('a', [0, 0.6], '2026-12-07'), m('b', [0.5, 1], '2026-12-07')], [['a', 'b']]],
    ['same time, adjacent slices', [m('a', [0, 0.5], '2026-12-07'), m('b', [0.5, 1], '2026-12-07')], []],
    ['different weeks, same slice', [m('a', [0, 1], '2026-12-07'), m('b', [0, 1], '2026-12-14')], []],
    ['one ends the day the other starts', [m('a', [0, 1], '2026-12-07'), m('b', [0, 1], '2026-12-13')], [['a', 'b']]],
    ['no dates yet count as overlapping', [m('a', [0, 1], null), m('b', [0, 1], '2026-12-14')], [['a', 'b']]],
    ['a concluded member holds no slice', [m('a', [0, 1], '2026-12-07', { status: 'concluded' }), m('b', [0, 1], '2026-12-07')], []],
    ['three at once', [m('a', [0, 1], '2026-12-07'), m('b', [0, 0.5], '2026-12-07'), m('c', [0.5, 1], '2026-12-07')], [['a', 'b'], ['a', 'c']]]
  ])('%s', (_name, members, pairs) => {
    expect(sliceClashes(members).map(([a, b]) => [a.key, b.key])).toEqual(pairs);
  });
});

describe('the layer page commands (starter calendar: weeks 1 and 2 overlap in alternate halves of one layer)', () => {
  const nowMs = new Date(2026, 10, 25, 10).getTime();
  const ctx = { actor: 'ana', nowMs };
  let data: Data;
  useSeededDatabase(nowMs, (_db, fresh) => { data = fresh; });
  const w01 = 'w01-onboarding-ebook-reminder';
  const w02 = 'w02-email-subject-line';
  const sliceOf = async (key: string) => { const e = (await data.experiments.byKey(key))!; return [e.layerStart, e.layerEnd]; };

  it('lists the layer with its members, names, slices and dates', async () => {
    const [layer] = await listLayers(data);
    expect(layer!.key).toBe('starter-calendar');
    expect(layer!.experiments.slice(0, 2)).toEqual([
      expect.objectContaining({ key: w01, name: expect.any(String), layerStart: 0, layerEnd: 0.5, startDate: '2026-11-30', endDate: '2026-12-13' }),
      expect.objectContaining({ layerStart: 0, layerEnd: 0.5 })
    ]);
  });

  it('new slices change the power check: 40% of the in-app users less the plan\'s 5% holdout is 570 a day', async () => {
    await setLayerSlices(data, 'starter-calendar', { [w01]: [0, 0.4], [w02]: [0.4, 1] }, ctx);
    expect(await sliceOf(w01)).toEqual([0, 0.4]);
    expect(await sliceOf(w02)).toEqual([0.4, 1]);
    const power = await experimentPower(data, (await data.experiments.byKey(w01))!.id);
    expect(power.message).toMatch(/at 570 users\/day/); // 1,500 × 0.4 × 0.95
    const audit = await data.audit.list({ entityId: w01, action: 'experiment.layer' });
    expect(audit[0]!.details).toMatchObject({ layer: 'starter-calendar', from: [0, 0.5], to: [0, 0.4] });
  });

  it('refuses slices that would give users of two tests running at the same time both, naming them', async () => {
    const err = await setLayerSlices(data, 'starter-calendar', { [w01]: [0, 0.6] }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toMatch(/^“.+” and “.+” run at the same time and would share users \(0%–60% and 50%–100%\)/);
    expect(await sliceOf(w01)).toEqual([0, 0.5]);
  });

  it('refuses a bad slice, a non-member and an unknown layer', async () => {
    await expect(setLayerSlices(data, 'starter-calendar', { [w01]: [0.5, 0.2] }, ctx)).rejects.toThrow(InvalidInputError);
    await expect(setLayerSlices(data, 'starter-calendar', { 'w03-landing-testimonials': [0, 1] }, ctx)).rejects.toThrow(/is not in layer/);
    await expect(setLayerSlices(data, 'nope', {}, ctx)).rejects.toThrow(NotFoundError);
  });

  it('slices are fixed while anything in the layer runs', async () => {
    await transition(data, w01, 'start', { actor: 'ana', nowMs: new Date(2026, 10, 30, 10).getTime() });
    await expect(setLayerSlices(data, 'starter-calendar', { [w02]: [0.6, 1] }, ctx)).rejects.toThrow(/is running in layer .*; slices change only while nothing in the layer runs/);
    expect(await sliceOf(w02)).toEqual([0.5, 1]);
  });

  it('removes an empty layer (audit-logged) but not one that holds experiments', async () => {
    await createLayer(data, { key: 'spare', name: 'Spare' }, ctx);
    await deleteLayer(data, 'spare', ctx);
    expect(await data.layers.byKey('spare')).toBeNull();
    expect((await data.audit.list({ action: 'layer.delete' }))[0]).toMatchObject({ entityId: 'spare', actor: 'ana' });
    await expect(deleteLayer(data, 'starter-calendar', ctx)).rejects.toThrow(/still holds 11 experiments; only empty layers can be removed/);
    await expect(deleteLayer(data, 'spare', ctx)).rejects.toThrow(NotFoundError);
  });
});
