/** Lifecycle moves and commands in detail: the stamps each move writes, the start-date rules
 *  at their boundaries, the audit details, and every refusal with its message. */
import { describe, expect, it, vi } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { concludeExperiment, extendDuration, reschedule } from './commands.ts';
import { notifyExperimentChanged, onExperimentChanged } from './change-hooks.ts';
import { transition, transitions } from './transitions.ts';

// Local calendar days (the server's days), whatever the machine's time zone.
const at = (month: number, day: number, hour = 10) => new Date(2026, month - 1, day, hour).getTime();
const seededAt = at(11, 25); // Wednesday; the starter plan starts Monday 30 Nov 2026
const w01 = 'w01-onboarding-ebook-reminder'; // scheduled, 30 Nov, 14 days: last day 13 Dec
const w02 = 'w02-email-subject-line';
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(seededAt, (db, fresh) => { data = fresh; rows = experimentRows(db); });

const row = (key = w01) => rows.row(key);
const lastAudit = () => rows.lastAudit();
const ctx = (nowMs: number, details?: Record<string, unknown>) => ({ actor: 'ana', nowMs, ...(details ? { details } : {}) });

describe('the transition table', () => {
  it('is the documented lifecycle', async () => {
    expect(transitions).toEqual({
      schedule: { from: ['draft'], to: 'scheduled' },
      unschedule: { from: ['scheduled'], to: 'draft' },
      start: { from: ['draft', 'scheduled', 'stopped'], to: 'running' },
      stop: { from: ['running'], to: 'stopped' },
      conclude: { from: ['stopped'], to: 'concluded' },
      promote: { from: ['concluded'], to: 'promoted' }
    });
  });
});

describe('transition stamps', () => {
  it('start on the planned day keeps the start date and logs no date change', async () => {
    const now = at(11, 30, 9);
    expect(await transition(data, w01, 'start', ctx(now))).toMatchObject({ status: 'running', startDate: '2026-11-30', startedAtMs: now, stoppedAtMs: null, concludedAtMs: null, updatedAtMs: now });
    expect(lastAudit()).toMatchObject({ actor: 'ana', action: 'experiment.start', entityType: 'experiment', entityId: w01, atMs: now, details: { from: 'scheduled', to: 'running' } });
    expect(lastAudit().details).not.toHaveProperty('startDate');
  });

  it.each<[string, number, string]>([
    ['on the last planned day keeps the start date', at(12, 13, 23), '2026-11-30'],
    ['the day after the planned window runs from today', at(12, 14, 1), '2026-12-14'],
  ])('a first start %s', async (_name, now, startDate) => {
    expect(await transition(data, w01, 'start', ctx(now))).toMatchObject({ status: 'running', startDate });
  });

  it('a draft without a start date starts today', async () => {
    await transition(data, w01, 'unschedule', ctx(seededAt));
    rows.setExperiments({ key: w01 }, { startDate: null });
    expect((await transition(data, w01, 'start', ctx(at(12, 2)))).startDate).toBe('2026-12-02');
    expect(lastAudit().details).toMatchObject({ from: 'draft', to: 'running', startDate: { from: null, to: '2026-12-02' } });
  });

  it('stop stamps the stop time; a restart within the window clears it, keeps the first start time and the start date', async () => {
    const started = at(11, 30);
    await transition(data, w01, 'start', ctx(started));
    expect(await transition(data, w01, 'stop', ctx(at(12, 3)))).toMatchObject({ status: 'stopped', stoppedAtMs: at(12, 3), concludedAtMs: null });
    expect(await transition(data, w01, 'start', ctx(at(12, 13)))).toMatchObject({ status: 'running', startDate: '2026-11-30', startedAtMs: started, stoppedAtMs: null });
  });

  it('a stopped experiment can restart on its last day but not the day after', async () => {
    await transition(data, w01, 'start', ctx(at(11, 30)));
    await transition(data, w01, 'stop', ctx(at(12, 3)));
    await expect(transition(data, w01, 'start', ctx(at(12, 14, 1)))).rejects.toThrow(
      `experiment '${w01}' already ran its 14 days; extend its duration before starting it again`);
    expect(row().status).toBe('stopped');
  });

  it('conclude stamps the conclusion time; extra details go into the log', async () => {
    await transition(data, w01, 'start', ctx(at(11, 30)));
    await transition(data, w01, 'stop', ctx(at(12, 14)));
    expect(await transition(data, w01, 'conclude', ctx(at(12, 15), { reason: 'review done' }))).toMatchObject({ status: 'concluded', concludedAtMs: at(12, 15) });
    expect(lastAudit()).toMatchObject({ action: 'experiment.conclude', details: { from: 'stopped', to: 'concluded', reason: 'review done' } });
  });

  it.each<[string, () => unknown, () => Promise<unknown>, new (...args: never[]) => Error, string]>([
    ['an unknown experiment', () => {}, () => transition(data, 'nope', 'start', ctx(seededAt)), NotFoundError, "experiment 'nope' was not found"],
    ['stopping a scheduled experiment', () => {}, () => transition(data, w01, 'stop', ctx(seededAt)), ConflictError,
      `cannot stop experiment '${w01}' while it is scheduled (allowed from: running)`],
    ['starting a running one', () => transition(data, w01, 'start', ctx(seededAt)), () => transition(data, w01, 'start', ctx(seededAt)), ConflictError,
      `cannot start experiment '${w01}' while it is running (allowed from: draft, scheduled, stopped)`],
    ['scheduling without a date', async () => {
      await transition(data, w01, 'unschedule', ctx(seededAt));
      rows.setExperiments({ key: w01 }, { startDate: null });
    }, () => transition(data, w01, 'schedule', ctx(seededAt)), ConflictError, `cannot schedule experiment '${w01}' without a start date; put it in a week first`],
  ])('refuses %s', async (_name, setup, call, errorClass, message) => {
    await setup();
    await expect(call()).rejects.toThrow(errorClass);
    await expect(call()).rejects.toThrow(message);
  });
});

describe('extendDuration', () => {
  it.each([[1, 15], [90, 104]])('by %i days gives %i', async (days, total) => {
    expect(await extendDuration(data, w01, days, ctx(seededAt, { why: 'slow traffic' }))).toMatchObject({ durationDays: total, updatedAtMs: seededAt });
    expect(lastAudit()).toMatchObject({ actor: 'ana', action: 'experiment.extend', entityType: 'experiment', entityId: w01, atMs: seededAt,
      details: { durationDays: { from: 14, to: total }, status: 'scheduled', why: 'slow traffic' } });
  });

  it('up to 180 days in all, not more', async () => {
    await extendDuration(data, w01, 90, ctx(seededAt));
    expect((await extendDuration(data, w01, 76, ctx(seededAt))).durationDays).toBe(180);
    await expect(extendDuration(data, w01, 1, ctx(seededAt))).rejects.toThrow(new InvalidInputError('a run of 181 days is too long (at most 180)'));
  });

  it.each<[string, number, string]>([
    ['0', 0, 'extraDays must be a whole number of days from 1 to 90, got 0'],
    ['91', 91, 'extraDays must be a whole number of days from 1 to 90, got 91'],
    ['1.5', 1.5, 'extraDays must be a whole number of days from 1 to 90, got 1.5'],
  ])('refuses %s days with the rule', async (_name, days, message) => {
    await expect(extendDuration(data, w01, days, ctx(seededAt))).rejects.toThrow(message);
  });

  it('refuses a concluded experiment, and an unknown one', async () => {
    await transition(data, w01, 'start', ctx(at(11, 30)));
    await concludeExperiment(data, w01, ctx(at(12, 14)));
    await expect(extendDuration(data, w01, 3, ctx(seededAt))).rejects.toThrow(new ConflictError(`cannot extend experiment '${w01}' while it is concluded`));
    await expect(extendDuration(data, 'nope', 3, ctx(seededAt))).rejects.toThrow(new NotFoundError('experiment', 'nope'));
  });

  it('a draft, a running and a stopped experiment can be extended', async () => {
    await transition(data, w01, 'unschedule', ctx(seededAt));
    expect((await extendDuration(data, w01, 1, ctx(seededAt))).durationDays).toBe(15);
    await transition(data, w01, 'start', ctx(seededAt));
    expect((await extendDuration(data, w01, 1, ctx(seededAt))).durationDays).toBe(16);
    await transition(data, w01, 'stop', ctx(seededAt));
    expect((await extendDuration(data, w01, 1, ctx(seededAt))).durationDays).toBe(17);
  });
});

describe('reschedule', () => {
  it('to the last week of the plan, logged with both dates', async () => {
    expect(await reschedule(data, w01, { week: 12 }, ctx(seededAt, { by: 'planner' }))).toMatchObject({ week: 12, startDate: '2027-02-15', updatedAtMs: seededAt });
    expect(lastAudit()).toMatchObject({ actor: 'ana', action: 'experiment.reschedule', entityType: 'experiment', entityId: w01, atMs: seededAt,
      details: { week: { from: 1, to: 12 }, startDate: { from: '2026-11-30', to: '2027-02-15' }, by: 'planner' } });
  });

  it('to an explicit date, keeping its week; a date given with a week wins over the week\'s Monday', async () => {
    expect(await reschedule(data, w01, { startDate: '2026-12-02' }, ctx(seededAt))).toMatchObject({ week: 1, startDate: '2026-12-02' });
    expect(await reschedule(data, w01, { week: 2, startDate: '2026-12-09' }, ctx(seededAt))).toMatchObject({ week: 2, startDate: '2026-12-09' });
  });

  it('to the first week', async () => {
    expect(await reschedule(data, w02, { week: 1 }, ctx(seededAt))).toMatchObject({ week: 1, startDate: '2026-11-30' });
  });

  it('a draft moves too', async () => {
    await transition(data, w01, 'unschedule', ctx(seededAt));
    expect(await reschedule(data, w01, { week: 4 }, ctx(seededAt))).toMatchObject({ status: 'draft', week: 4, startDate: '2026-12-21' });
  });

  it.each<[string, () => unknown, () => Promise<unknown>, new (...args: never[]) => Error, string]>([
    ['week 13 of 12', () => {}, () => reschedule(data, w01, { week: 13 }, ctx(seededAt)), InvalidInputError, 'week must be between 1 and 12, got 13'],
    ['week 0', () => {}, () => reschedule(data, w01, { week: 0 }, ctx(seededAt)), InvalidInputError, 'week must be between 1 and 12, got 0'],
    ['neither week nor date', () => {}, () => reschedule(data, w01, {}, ctx(seededAt)), InvalidInputError, 'give a week or a start date'],
    ['a malformed date', () => {}, () => reschedule(data, w01, { startDate: '2026-1-2' }, ctx(seededAt)), InvalidInputError, "startDate '2026-1-2': a date as YYYY-MM-DD"],
    ['an experiment of no plan', () => { rows.setExperiments({ key: w01 }, { planId: null }); },
      () => reschedule(data, w01, { week: 2 }, ctx(seededAt)), ConflictError, `experiment '${w01}' belongs to no plan, so it has no weeks`],
    ['a running experiment', () => transition(data, w01, 'start', ctx(seededAt)), () => reschedule(data, w01, { week: 2 }, ctx(seededAt)), ConflictError,
      `cannot move experiment '${w01}' while it is running; only drafts and scheduled experiments move`],
    ['an unknown experiment', () => {}, () => reschedule(data, 'nope', { week: 2 }, ctx(seededAt)), NotFoundError, "experiment 'nope' was not found"],
  ])('refuses %s', async (_name, setup, call, errorClass, message) => {
    await setup();
    const before = row();
    await expect(call()).rejects.toThrow(errorClass);
    await expect(call()).rejects.toThrow(message);
    expect(row()).toEqual(before);
  });
});

describe('concludeExperiment', () => {
  it('concludes a stopped experiment with one move', async () => {
    await transition(data, w01, 'start', ctx(at(11, 30)));
    await transition(data, w01, 'stop', ctx(at(12, 14)));
    const before = rows.audit().length;
    expect(await concludeExperiment(data, w01, ctx(at(12, 15)))).toMatchObject({ status: 'concluded', concludedAtMs: at(12, 15) });
    expect(rows.audit().slice(before).map((a) => a.action)).toEqual(['experiment.conclude']);
  });

  it('a running one is stopped and concluded at the same time', async () => {
    await transition(data, w01, 'start', ctx(at(11, 30)));
    expect(await concludeExperiment(data, w01, ctx(at(12, 5)))).toMatchObject({ status: 'concluded', stoppedAtMs: at(12, 5), concludedAtMs: at(12, 5) });
  });

  it('an unknown experiment', async () => {
    await expect(concludeExperiment(data, 'nope', ctx(seededAt))).rejects.toThrow(new NotFoundError('experiment', 'nope'));
  });
});

describe('change listeners', () => {
  it('hear every command, each once per change', async () => {
    const seen: string[] = [];
    const off = onExperimentChanged((key) => seen.push(key));
    try {
      await reschedule(data, w01, { week: 2 }, ctx(seededAt));
      await transition(data, w01, 'start', ctx(seededAt));
      await concludeExperiment(data, w01, ctx(seededAt));
      await extendDuration(data, w02, 1, ctx(seededAt));
    } finally { off(); }
    expect(seen).toEqual([w01, w01, w01, w02]);
  });

  it('a failing listener is logged and the others still hear', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: string[] = [];
    const boom = new Error('boom');
    const offFailing = onExperimentChanged(() => { throw boom; });
    const off = onExperimentChanged((key) => seen.push(key));
    let logged: unknown[][];
    try {
      notifyExperimentChanged('k1');
      logged = error.mock.calls.map((call) => [...call]);
    } finally { offFailing(); off(); error.mockRestore(); }
    expect(seen).toEqual(['k1']);
    expect(logged).toEqual([['experiment change listener failed', boom]]);
  });

  it('the returned function removes only that listener', async () => {
    const a: string[] = [];
    const b: string[] = [];
    const offA = onExperimentChanged((key) => a.push(key));
    const offB = onExperimentChanged((key) => b.push(key));
    offA();
    notifyExperimentChanged('k2');
    offB();
    notifyExperimentChanged('k3');
    expect([a, b]).toEqual([[], ['k2']]);
  });
});
