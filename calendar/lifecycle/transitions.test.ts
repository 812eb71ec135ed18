import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { auditLog, experiments } from '../../db/schema.ts';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import type { Db } from '../../db/connection.ts';
import { seedOnFirstStart } from '../seed/index.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import { concludeExperiment, extendDuration, reschedule } from './commands.ts';
import { onExperimentChanged } from './change-hooks.ts';
import { transition, type LifecycleAction } from './transitions.ts';

const wednesday = new Date(2026, 10, 25, 10).getTime(); // plan starts Monday 30 Nov 2026
const w01 = 'w01-onboarding-ebook-reminder';
let db: Db;
let cleanup = () => {};
beforeEach(() => { const t = tempDatabase(); db = t.db; cleanup = t.cleanup; seedOnFirstStart(db, wednesday); });
afterEach(() => cleanup());

const row = (key = w01) => db.select().from(experiments).where(eq(experiments.key, key)).get()!;
const lastAudit = () => db.select().from(auditLog).orderBy(desc(auditLog.id)).get()!;
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
  ])('%j ends %s (null: refused)', (actions, expected) => {
    const run = () => actions.forEach((a, i) => transition(db, w01, a, ctx(wednesday + i)));
    if (expected === null) expect(run).toThrow(ConflictError);
    else { run(); expect(row().status).toBe(expected); }
  });

  it('logs who moved it, when, from and to', () => {
    transition(db, w01, 'start', ctx(wednesday + 5));
    expect(lastAudit()).toMatchObject({
      actor: 'ana@example.com', action: 'experiment.start', entityId: w01, atMs: wednesday + 5,
      details: { from: 'scheduled', to: 'running', startDate: { from: '2026-11-30', to: '2026-11-25' } }
    });
  });

  it('a manual start before the planned date runs from today', () => {
    transition(db, w01, 'start', ctx());
    expect(row()).toMatchObject({ status: 'running', startDate: '2026-11-25', startedAtMs: wednesday });
  });

  it('a first manual start after the whole planned window passed runs from today, for its full duration', () => {
    const later = wednesday + 30 * 86_400_000; // w01 planned 30 Nov - 13 Dec
    expect(transition(db, w01, 'start', ctx(later))).toMatchObject({ status: 'running', startDate: '2026-12-25' });
  });

  it('refuses to restart a stopped experiment whose duration has passed until it is extended', () => {
    transition(db, w01, 'start', ctx());
    transition(db, w01, 'stop', ctx());
    const later = wednesday + 20 * 86_400_000;
    expect(() => transition(db, w01, 'start', ctx(later))).toThrow(/extend its duration/);
    extendDuration(db, w01, 14, ctx(later));
    expect(transition(db, w01, 'start', ctx(later)).status).toBe('running');
  });

  it('cannot schedule without a start date', () => {
    transition(db, w01, 'unschedule', ctx());
    db.update(experiments).set({ startDate: null }).where(eq(experiments.key, w01)).run();
    expect(() => transition(db, w01, 'schedule', ctx())).toThrow(/without a start date/);
  });

  it('tells change listeners (the assignment cache)', () => {
    const seen: string[] = [];
    const off = onExperimentChanged((key) => seen.push(key));
    transition(db, w01, 'start', ctx());
    extendDuration(db, w01, 3, ctx());
    off();
    transition(db, w01, 'stop', ctx());
    expect(seen).toEqual([w01, w01]);
  });
});

describe('commands', () => {
  it('extend adds days and logs the old and new duration', () => {
    expect(extendDuration(db, w01, 7, ctx()).durationDays).toBe(21);
    expect(lastAudit()).toMatchObject({ action: 'experiment.extend', details: { durationDays: { from: 14, to: 21 } } });
  });

  it.each([[0], [-3], [1.5], [91]])('extend by %s days is invalid', (days) => {
    expect(() => extendDuration(db, w01, days, ctx())).toThrow(InvalidInputError);
  });

  it('reschedule moves a scheduled experiment to another week', () => {
    expect(reschedule(db, w01, { week: 3 }, ctx())).toMatchObject({ week: 3, startDate: '2026-12-14' });
    expect(lastAudit()).toMatchObject({ action: 'experiment.reschedule', details: { week: { from: 1, to: 3 } } });
  });

  it.each([[0], [13], [1.5], [Number.NaN]])('reschedule to week %s is invalid', (week) => {
    expect(() => reschedule(db, w01, { week }, ctx())).toThrow(InvalidInputError);
  });

  it.each([['2026-02-30'], ['0000-00-00'], ['2026-13-01']])('reschedule to the non-date %s is invalid and saves nothing', (startDate) => {
    expect(() => reschedule(db, w01, { startDate }, ctx())).toThrow(/not a real calendar date|YYYY-MM-DD/);
    expect(row().startDate).toBe('2026-11-30');
  });

  it('a running experiment does not move', () => {
    transition(db, w01, 'start', ctx());
    expect(() => reschedule(db, w01, { week: 2 }, ctx())).toThrow(ConflictError);
  });

  it('conclude stops a running experiment first, logging both', () => {
    transition(db, w01, 'start', ctx());
    expect(concludeExperiment(db, w01, ctx(wednesday + 9)).status).toBe('concluded');
    const actions = db.select().from(auditLog).where(eq(auditLog.entityId, w01)).all().map((a) => a.action);
    expect(actions).toEqual(['experiment.start', 'experiment.stop', 'experiment.conclude']);
  });

  it('conclude of a scheduled experiment is refused', () => {
    expect(() => concludeExperiment(db, w01, ctx())).toThrow(ConflictError);
  });
});
