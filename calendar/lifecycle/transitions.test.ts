import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import { concludeExperiment, extendDuration, reschedule } from './commands.ts';
import { onExperimentChanged } from './change-hooks.ts';
import { transition, type LifecycleAction } from './transitions.ts';

const wednesday = new Date(2026, 10, 25, 10).getTime(); // plan starts Monday 30 Nov 2026
const w01 = 'w01-onboarding-ebook-reminder';
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(wednesday, (db, fresh) => { data = fresh; rows = experimentRows(db); });

const row = (key = w01) => rows.row(key);
const lastAudit = () => rows.lastAudit();
const ctx = (nowMs = wednesday) => ({ actor: 'ana@example.com', nowMs });

describe('transition', () => {
  it.each<[LifecycleAction[], string | null]>([
    [['start'], 'running'],
    [['start', 'stop'], 'stopped'],
    [['start', 'stop', 'conclude'], 'concluded'],
    [['start', 'stop', 'conclude', 'promote'], 'promoted'],
    [['unschedule', 'schedule'], 'scheduled'],
    [['conclude'], null],
    [['promote'], null],
    [['stop'], null],
    [['start', 'schedule'], null],
    [['start', 'stop', 'conclude', 'start'], null]
  ])('%j ends %s (null: refused)', async (actions, expected) => {
    const run = async () => { for (const [i, a] of actions.entries()) await transition(data, w01, a, ctx(wednesday + i)); };
    if (expected === null) await expect(run()).rejects.toThrow(ConflictError);
    else { await run(); expect(row().status).toBe(expected); }
  });

  it('logs who moved it, when, from and to', async () => {
    await transition(data, w01, 'start', ctx(wednesday + 5));
    expect(lastAudit()).toMatchObject({
      actor: 'ana@example.com', action: 'experiment.start', entityId: w01, atMs: wednesday + 5,
      details: { from: 'scheduled', to: 'running', startDate: { from: '2026-11-30', to: '2026-11-25' } }
    });
  });

  it('a manual start before the planned date runs from today', async () => {
    await transition(data, w01, 'start', ctx());
    expect(row()).toMatchObject({ status: 'running', startDate: '2026-11-25', startedAtMs: wednesday });
  });

  it('a first manual start after the whole planned window passed runs from today, for its full duration', async () => {
    const later = wednesday + 30 * 86_400_000; // w01 planned 30 Nov - 13 Dec
    expect(await transition(data, w01, 'start', ctx(later))).toMatchObject({ status: 'running', startDate: '2026-12-25' });
  });

  it('refuses to restart a stopped experiment whose duration has passed until it is extended', async () => {
    await transition(data, w01, 'start', ctx());
    await transition(data, w01, 'stop', ctx());
    const later = wednesday + 20 * 86_400_000;
    await expect(transition(data, w01, 'start', ctx(later))).rejects.toThrow(/extend its duration/);
    await extendDuration(data, w01, 14, ctx(later));
    expect((await transition(data, w01, 'start', ctx(later))).status).toBe('running');
  });

  it('cannot schedule without a start date', async () => {
    await transition(data, w01, 'unschedule', ctx());
    rows.setExperiments({ key: w01 }, { startDate: null });
    await expect(transition(data, w01, 'schedule', ctx())).rejects.toThrow(/without a start date/);
  });

  it('tells change listeners (the assignment cache)', async () => {
    const seen: string[] = [];
    const off = onExperimentChanged((key) => seen.push(key));
    await transition(data, w01, 'start', ctx());
    await extendDuration(data, w01, 3, ctx());
    off();
    await transition(data, w01, 'stop', ctx());
    expect(seen).toEqual([w01, w01]);
  });
});

describe('commands', () => {
  it('extend adds days and logs the old and new duration', async () => {
    expect((await extendDuration(data, w01, 7, ctx())).durationDays).toBe(21);
    expect(lastAudit()).toMatchObject({ action: 'experiment.extend', details: { durationDays: { from: 14, to: 21 } } });
  });

  it.each([[0], [-3], [1.5], [91]])('extend by %s days is invalid', async (days) => {
    await expect(extendDuration(data, w01, days, ctx())).rejects.toThrow(InvalidInputError);
  });

  it('reschedule moves a scheduled experiment to another week', async () => {
    expect(await reschedule(data, w01, { week: 3 }, ctx())).toMatchObject({ week: 3, startDate: '2026-12-14' });
    expect(lastAudit()).toMatchObject({ action: 'experiment.reschedule', details: { week: { from: 1, to: 3 } } });
  });

  it.each([[0], [13], [1.5], [Number.NaN]])('reschedule to week %s is invalid', async (week) => {
    await expect(reschedule(data, w01, { week }, ctx())).rejects.toThrow(InvalidInputError);
  });

  it.each([['2026-02-30'], ['0000-00-00'], ['2026-13-01']])('reschedule to the non-date %s is invalid and saves nothing', async (startDate) => {
    await expect(reschedule(data, w01, { startDate }, ctx())).rejects.toThrow(/not a real calendar date|YYYY-MM-DD/);
    expect(row().startDate).toBe('2026-11-30');
  });

  it('a running experiment does not move', async () => {
    await transition(data, w01, 'start', ctx());
    await expect(reschedule(data, w01, { week: 2 }, ctx())).rejects.toThrow(ConflictError);
  });

  it('conclude stops a running experiment first, logging both', async () => {
    await transition(data, w01, 'start', ctx());
    expect((await concludeExperiment(data, w01, ctx(wednesday + 9))).status).toBe('concluded');
    const actions = rows.audit({ entityId: w01 }).map((a) => a.action);
    expect(actions).toEqual(['experiment.start', 'experiment.stop', 'experiment.conclude']);
  });

  it('conclude of a scheduled experiment is refused', async () => {
    await expect(concludeExperiment(data, w01, ctx())).rejects.toThrow(ConflictError);
  });
});
