/** What one scheduler tick writes and reports: the reason in each audit entry, a late start
 *  moved to today (and a start on the last planned day not moved), a row with an unreadable
 *  start date reported without stopping the others, and the log lines. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, experiments } from '../../db/schema.ts';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import type { Db } from '../../db/connection.ts';
import { seedOnFirstStart } from '../seed/index.ts';
import { SCHEDULER_ACTOR, startScheduler, tick } from './scheduler.ts';

// Local times: the seed's w01 is scheduled 30 Nov 2026 for 14 days (last day 13 Dec).
const at = (month: number, day: number, hour = 0) => new Date(2026, month - 1, day, hour).getTime();
const w01 = 'w01-onboarding-ebook-reminder';
let db: Db;
let cleanup = () => {};
beforeEach(() => { const t = tempDatabase(); db = t.db; cleanup = t.cleanup; seedOnFirstStart(db, at(11, 25, 10)); });
afterEach(() => { cleanup(); vi.restoreAllMocks(); });

const row = (key = w01) => db.select().from(experiments).where(eq(experiments.key, key)).get()!;
const audit = (action: string, key = w01) => db.select().from(auditLog).where(and(eq(auditLog.entityId, key), eq(auditLog.action, action))).all();
/** Only w01 is scheduled; the other seeded experiments go back to draft. */
const onlyW01 = () => db.update(experiments).set({ status: 'draft' }).where(eq(experiments.status, 'scheduled')).run()
  && db.update(experiments).set({ status: 'scheduled' }).where(eq(experiments.key, w01)).run();

describe('tick', () => {
  it('logs why it started and why it stopped, as the scheduler', () => {
    onlyW01();
    expect(tick(db, at(11, 30, 1))).toEqual({ started: [w01], stopped: [], failed: [] });
    expect(audit('experiment.start')).toMatchObject([{ actor: SCHEDULER_ACTOR, details: { from: 'scheduled', to: 'running', reason: 'start date reached' } }]);
    expect(audit('experiment.start')[0]!.details).not.toHaveProperty('lateStart');
    expect(tick(db, at(12, 14, 1))).toEqual({ started: [], stopped: [w01], failed: [] });
    expect(audit('experiment.stop')).toMatchObject([{ actor: 'system:scheduler', details: { from: 'running', to: 'stopped', reason: 'duration elapsed' } }]);
  });

  it('a first tick on the last planned day starts it on its planned date', () => {
    onlyW01();
    expect(tick(db, at(12, 13, 23)).started).toEqual([w01]);
    expect(row()).toMatchObject({ status: 'running', startDate: '2026-11-30' });
    expect(audit('experiment.start')[0]!.details).not.toHaveProperty('lateStart');
  });

  it('a first tick the day after moves the start to today, and logs the late start', () => {
    onlyW01();
    expect(tick(db, at(12, 14, 1)).started).toEqual([w01]);
    expect(row()).toMatchObject({ status: 'running', startDate: '2026-12-14' });
    expect(audit('experiment.start')).toMatchObject([{ details: { reason: 'start date reached', lateStart: { plannedStartDate: '2026-11-30', startDate: '2026-12-14' } } }]);
  });

  it('an unreadable start date is reported, and the others still start', () => {
    db.update(experiments).set({ startDate: '2026-11-31' }).where(eq(experiments.key, 'w02-email-subject-line')).run();
    const result = tick(db, at(12, 1, 1));
    expect(result.started).toEqual([w01]);
    expect(result.failed).toEqual([{ key: 'w02-email-subject-line', error: "bad start date '2026-11-31': Invalid time value" }]);
    expect(row('w02-email-subject-line').status).toBe('scheduled');
  });
});

describe('startScheduler', () => {
  it('logs what each tick moved, and what it could not, to console.log by default', () => {
    db.update(experiments).set({ startDate: '2026-11-31' }).where(eq(experiments.key, 'w02-email-subject-line')).run();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const scheduler = startScheduler(db, { now: () => at(12, 1, 1), intervalMs: 3_600_000 });
    scheduler.stop();
    expect(log.mock.calls).toEqual([
      [`scheduler: started ${w01}`],
      ["scheduler: could not move w02-email-subject-line: bad start date '2026-11-31': Invalid time value"],
    ]);
    log.mockClear();
    scheduler.tickNow(); // nothing left to move: w02 still fails, nothing else is logged
    expect(log.mock.calls).toEqual([["scheduler: could not move w02-email-subject-line: bad start date '2026-11-31': Invalid time value"]]);
  });

  it('logs the stops, two keys on one line', () => {
    const lines: string[] = [];
    db.update(experiments).set({ status: 'running', startDate: '2026-11-30', durationDays: 1 }).where(eq(experiments.status, 'scheduled')).run();
    db.update(experiments).set({ status: 'draft' }).where(and(eq(experiments.status, 'running'), eq(experiments.week, 3))).run();
    const running = db.select({ key: experiments.key }).from(experiments).where(eq(experiments.status, 'running')).all().map((r) => r.key);
    const scheduler = startScheduler(db, { now: () => at(12, 2, 1), intervalMs: 3_600_000, log: (line) => lines.push(line) });
    scheduler.stop();
    expect(lines).toEqual([`scheduler: stopped ${running.join(', ')}`]);
    expect(running.length).toBeGreaterThanOrEqual(2);
  });

  it('logs the starts, two keys on one line', () => {
    const lines: string[] = [];
    db.update(experiments).set({ status: 'draft' }).where(eq(experiments.status, 'scheduled')).run();
    for (const key of [w01, 'w02-email-subject-line']) {
      db.update(experiments).set({ status: 'scheduled', startDate: '2026-11-30' }).where(eq(experiments.key, key)).run();
    }
    const scheduler = startScheduler(db, { now: () => at(11, 30, 1), intervalMs: 3_600_000, log: (line) => lines.push(line) });
    scheduler.stop();
    expect(lines).toEqual([`scheduler: started ${w01}, w02-email-subject-line`]);
  });

  it('a tick that throws goes to console.error by default', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const boom = new Error('clock broke');
    const scheduler = startScheduler(db, { now: () => { throw boom; }, intervalMs: 3_600_000, log: () => {} });
    scheduler.stop();
    expect(error.mock.calls).toEqual([['scheduler tick failed', boom]]);
  });
});
