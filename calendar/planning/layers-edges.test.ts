/** putInOneLayer: the layer it creates, the free part it splits, and each refusal with its message. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { transition } from '../lifecycle/index.ts';
import { onExperimentChanged } from '../lifecycle/change-hooks.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { putInOneLayer } from './index.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const ctx = { actor: 'ana', nowMs };
const [w01, w02, w03, w04] = ['w01-onboarding-ebook-reminder', 'w02-email-subject-line', 'w03-landing-testimonials', 'w04-first-action-incentive'];
let data: Data;
let rows: ExperimentRows;
// Without the starter plan's own layer: these tests build layers from scratch.
useSeededDatabase(nowMs, (db, fresh) => { data = fresh; rows = experimentRows(db); rows.clearLayers(); });

const row = (key: string) => rows.row(key);
/** Gives `key` a running slice [start, end) of its layer. */
async function runWithSlice(key: string, start: number, end: number) {
  await transition(data, key, 'start', ctx);
  rows.setExperiments({ key }, { layerStart: start, layerEnd: end });
}

describe('putInOneLayer creates a layer', () => {
  it('named after the experiments, keyed after the first, split equally among three', async () => {
    const seen: string[] = [];
    const off = onExperimentChanged((key) => seen.push(key));
    const result = await putInOneLayer(data, [w01, w02, w03], ctx);
    off();
    expect(result).toEqual({ layerKey: `exclusive-${w01}`, slices: { [w01]: [0, 1 / 3], [w02]: [1 / 3, 2 / 3], [w03]: [2 / 3, 1] } });
    expect(rows.layers()).toMatchObject([{
      key: `exclusive-${w01}`,
      name: 'Exclusive: Onboarding reminder about e-book access / Email reminders: subject line A/B test / Social proof: testimonials on the landing page',
      description: 'Created by the planner to keep overlapping experiments on the same channel and audience apart.'
    }]);
    const layerId = rows.layers()[0]!.id;
    expect(row(w02)).toMatchObject({ layerId, layerStart: 1 / 3, layerEnd: 2 / 3, updatedAtMs: nowMs });
    expect(rows.lastAudit()).toMatchObject({
      actor: 'ana', action: 'experiment.layer', entityType: 'experiment', entityId: w03, atMs: nowMs,
      details: { layer: `exclusive-${w01}`, from: [null, null], to: [2 / 3, 1] }
    });
    expect(seen.sort()).toEqual([w01, w02, w03]);
  });

  it('a key given twice counts once', async () => {
    expect((await putInOneLayer(data, [w01, w02, w01], ctx)).slices).toEqual({ [w01]: [0, 0.5], [w02]: [0.5, 1] });
  });
});

describe('putInOneLayer shares the largest free part', () => {
  it('after the running slices (the last gap runs to 1)', async () => {
    await putInOneLayer(data, [w01, w02], ctx);
    await runWithSlice(w01, 0, 0.25);
    await runWithSlice(w02, 0.25, 0.5);
    expect((await putInOneLayer(data, [w01, w03, w04], ctx)).slices).toEqual({ [w03]: [0.5, 0.75], [w04]: [0.75, 1] });
  });

  it('between running slices given in any order', async () => {
    await putInOneLayer(data, [w01, w02], ctx);
    await runWithSlice(w01, 0.75, 1);
    await runWithSlice(w02, 0, 0.25);
    expect((await putInOneLayer(data, [w01, w03], ctx)).slices).toEqual({ [w03]: [0.25, 0.75] });
  });

  it('after overlapping running slices, from the end of the one that reaches furthest', async () => {
    await putInOneLayer(data, [w01, w02], ctx);
    await runWithSlice(w01, 0, 0.5);
    await runWithSlice(w02, 0.125, 0.25);
    expect((await putInOneLayer(data, [w01, w03], ctx)).slices).toEqual({ [w03]: [0.5, 1] });
  });

  it('a free part of exactly 2% is still room for one', async () => {
    await putInOneLayer(data, [w01, w02], ctx);
    await runWithSlice(w01, 0.02, 1);
    rows.setExperiments({ key: w02 }, { status: 'stopped' }); // no longer a member
    expect((await putInOneLayer(data, [w01, w03], ctx)).slices).toEqual({ [w03]: [0, 0.02] });
  });
});

describe('putInOneLayer refuses', () => {
  it.each<[string, () => unknown, string[], new (...args: never[]) => Error, string]>([
    ['a single experiment', () => {}, [w01], InvalidInputError, 'give at least two experiments to separate'],
    ['one experiment named twice', () => {}, [w01, w01], InvalidInputError, 'give at least two experiments to separate'],
    ['an unknown experiment', () => {}, [w01, 'nope'], NotFoundError, "experiment 'nope' was not found"],
    ['experiments already in different layers', async () => {
      await putInOneLayer(data, [w01, w02], ctx);
      await putInOneLayer(data, [w03, w04], ctx);
    }, [w01, w03], ConflictError, 'these experiments are already in different layers; move one instead'],
    ['to move a running experiment into a layer', async () => { await transition(data, w02, 'start', ctx); },
      [w01, w02], ConflictError, `'${w02}' is already running outside this layer; move the other experiment instead`],
    ['when less than 2% per experiment is free', async () => {
      await putInOneLayer(data, [w01, w02], ctx);
      await runWithSlice(w01, 0, 0.49);
      await runWithSlice(w02, 0.5, 1);
    }, [w01, w03], ConflictError, `layer 'exclusive-${w01}' has no room left; move one experiment instead`],
  ])('%s', async (_name, setup, keys, errorClass, message) => {
    await setup();
    const before = rows.experiments();
    await expect(putInOneLayer(data, keys, ctx)).rejects.toThrow(errorClass);
    await expect(putInOneLayer(data, keys, ctx)).rejects.toThrow(message);
    expect(rows.experiments()).toEqual(before);
  });
});
