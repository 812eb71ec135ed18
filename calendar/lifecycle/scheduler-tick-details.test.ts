/** What one scheduler tick writes and reports: the reason in each audit entry, a late start
 *  moved to today (and a start on the last planned day not moved), a row with an unreadable
 *  start date reported without stopping the others, and the log lines. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { SCHEDULER_ACTOR, startScheduler, tick } from './scheduler.ts';

// Local times: the seed's w01 is scheduled 30 Nov 2026 for 14 days (last day 13 Dec).
const at = (month: number, day: number, hour = 0) => new Date(2026, month - 1, day, hour).getTime();
const w01 = 'w01-onboarding-ebook-reminder';
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(at(11, 25, 10), (db, fresh) => { data = fresh; rows = experimentRows(db); });
afterEach(() => { vi.restoreAllMocks(); });

const row = (key = w01) => rows.row(key);
const audit = (action: string, key = w01) => rows.audit({ entityId: key, action });
/** Only w01 is scheduled; the other seeded experiments go back to draft. */
const onlyW01 = () => {
  rows.setExperiments({ status: 'scheduled' }, { status: 'draft' });
  rows.setExperiments({ key: w01 }, { status: 'scheduled' });
};
/** Lets the scheduler's tick (started by its timer, not awaited) finish. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('tick', () => {
  it('logs why it started and why it stopped, as the scheduler', async () => {
    onlyW01();
    expect(await tick(data, at(11, 30, 1))).toEqual({ started: [w01], stopped: [], failed: [] });
    expect(audit('experiment.start')).toMatchObject([{ actor: SCHEDULER_ACTOR, details: { from: 'scheduled', to: 'running', reason: 'start date reached' } }]);
    expect(audit('experiment.start')[0]!.details).not.toHaveProperty('lateStart');
    expect(await tick(data, at(12, 14, 1))).toEqual({ started: [], stopped: [w01], failed: [] });
    expect(audit('experiment.stop')).toMatchObject([{ actor: 'system:scheduler', details: { from: 'running', to: 'stopped', reason: 'duration elapsed' } }]);
  });

  it('a first tick on the last planned day starts it on its planned date', async () => {
    onlyW01();
    expect((await tick(data, at(12, 13, 23))).started).toEqual([w01]);
    expect(row()).toMatchObject({ status: 'running', startDate: '2026-11-30' });
    expect(audit('experiment.start')[0]!.details).not.toHaveProperty('lateStart');
  });

  it('a first tick the day after moves the start to today, and logs the late start', async () => {
    onlyW01();
    expect((await tick(data, at(12, 14, 1))).started).toEqual([w01]);
    expect(row()).toMatchObject({ status: 'running', startDate: '2026-12-14' });
    expect(audit('experiment.start')).toMatchObject([{ details: { reason: 'start date reached', lateStart: { plannedStartDate: '2026-11-30', startDate: '2026-12-14' } } }]);
  });

  it('an unreadable start date is reported, and the others still start', async () => {
    rows.setExperiments({ key: 'w02-email-subject-line' }, { startDate: '2026-11-31' });
    const result = await tick(data, at(12, 1, 1));
    expect(result.started).toEqual([w01]);
    expect(result.failed).toEqual([{ key: 'w02-email-subject-line', error: "bad start date '2026-11-31': Invalid time value" }]);
    expect(row('w02-email-subject-line').status).toBe('scheduled');
  });
});

describe('startScheduler', () => {
  it('logs what each tick moved, and what it could not, to console.log by default', async () => {
    rows.setExperiments({ key: 'w02-email-subject-line' }, { startDate: '2026-11-31' });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const scheduler = startScheduler(data, { now: () => at(12, 1, 1), intervalMs: 3_600_000 });
    scheduler.stop();
    await settle();
    expect(log.mock.calls).toEqual([
      [`scheduler: started ${w01}`],
      ["scheduler: could not move w02-email-subject-line: bad start date '2026-11-31': Invalid time value"],
    ]);
    log.mockClear();
    await scheduler.tickNow(); // nothing left to move: w02 still fails, nothing else is logged
    expect(log.mock.calls).toEqual([["scheduler: could not move w02-email-subject-line: bad start date '2026-11-31': Invalid time value"]]);
  });

  it('logs the stops, two keys on one line', async () => {
    const lines: string[] = [];
    rows.setExperiments({ status: 'scheduled' }, { status: 'running', startDate: '2026-11-30', durationDays: 1 });
    rows.setExperiments({ status: 'running', week: 3 }, { status: 'draft' });
    const running = rows.experiments({ status: 'running' }).map((r) => r.key);
    const scheduler = startScheduler(data, { now: () => at(12, 2, 1), intervalMs: 3_600_000, log: (line) => lines.push(line) });
    scheduler.stop();
    await settle();
    expect(lines).toEqual([`scheduler: stopped ${running.join(', ')}`]);
    expect(running.length).toBeGreaterThanOrEqual(2);
  });

  it('logs the starts, two keys on one line', async () => {
    const lines: string[] = [];
    rows.setExperiments({ status: 'scheduled' }, { status: 'draft' });
    for (const key of [w01, 'w02-email-subject-line']) {
      rows.setExperiments({ key }, { status: 'scheduled', startDate: '2026-11-30' });
    }
    const scheduler = startScheduler(data, { now: () => at(11, 30, 1), intervalMs: 3_600_000, log: (line) => lines.push(line) });
    scheduler.stop();
    await settle();
    expect(lines).toEqual([`scheduler: started ${w01}, w02-email-subject-line`]);
  });

  it('a tick that throws goes to console.error by default', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const boom = new Error('clock broke');
    const scheduler = startScheduler(data, { now: () => { throw boom; }, intervalMs: 3_600_000, log: () => {} });
    scheduler.stop();
    await settle();
    expect(error.mock.calls).toEqual([['scheduler tick failed', boom]]);
  });
});
