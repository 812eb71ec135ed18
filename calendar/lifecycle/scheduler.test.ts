import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { addDaysIso, isoDay } from '../dates.ts';
import { DAY_MS } from '../clock.ts';
import { startScheduler, tick } from './scheduler.ts';
import { transition } from './transitions.ts';

// Local times, so the test means the same in every time zone: the seed starts on Monday 30 Nov 2026.
const wednesday = new Date(2026, 10, 25, 10).getTime();
const at = (isoDate: string, hour = 0) => {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(y!, m! - 1, d!, hour).getTime();
};
/** Lets the scheduler's tick (started by its timer, not awaited) finish. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('scheduler tick', () => {
  let data: Data;
  let rows: ExperimentRows;
  useSeededDatabase(wednesday, (db, fresh) => { data = fresh; rows = experimentRows(db); });

  it('simulates the whole 90 days hour by hour: every experiment starts on its start date and stops after its duration', async () => {
    const planned = rows.experiments().sort((a, b) => a.week! - b.week!);
    const start = at('2026-11-25');
    for (let nowMs = start; nowMs <= start + 100 * DAY_MS; nowMs += 3_600_000) await tick(data, nowMs);

    for (const e of planned) {
      const moves = rows.audit({ entityId: e.key }).filter((m) => m.entityType === 'experiment');
      expect(moves.map((m) => m.action), e.key).toEqual(['experiment.start', 'experiment.stop']);
      expect(moves.every((m) => m.actor === 'system:scheduler')).toBe(true);
      // Started in the first hour of its start date, stopped in the first hour after its last day.
      expect(moves[0]!.atMs).toBe(at(e.startDate!));
      expect(moves[1]!.atMs).toBe(at(addDaysIso(e.startDate!, e.durationDays)));
    }
    const after = rows.experiments();
    expect(after.every((e) => e.status === 'stopped')).toBe(true);
  });

  it.each([
    ['the day before week 1', '2026-11-29', [], []],
    ['week 1 Monday', '2026-11-30', ['w01-onboarding-ebook-reminder'], []],
    ['week 2 Monday', '2026-12-07', ['w02-email-subject-line'], []],
    ['the day after week 1 ends (14 days)', '2026-12-14', ['w03-landing-testimonials'], ['w01-onboarding-ebook-reminder']]
  ])('%s (%s)', async (_name, day, started, stopped) => {
    let nowMs = at('2026-11-26');
    while (isoDay(nowMs) < day) { await tick(data, nowMs); nowMs += DAY_MS; }
    expect(await tick(data, at(day, 9))).toEqual({ started, stopped, failed: [] });
  });

  it('is idempotent: a second tick at the same time changes nothing', async () => {
    expect((await tick(data, at('2026-11-30', 1))).started).toHaveLength(1);
    expect(await tick(data, at('2026-11-30', 1))).toEqual({ started: [], stopped: [], failed: [] });
  });

  it('a start missed entirely (server down) moves to today and runs its full duration', async () => {
    const result = await tick(data, at('2026-12-20'));
    expect(result.started).toContain('w01-onboarding-ebook-reminder');
    const w01 = rows.row('w01-onboarding-ebook-reminder');
    expect(w01).toMatchObject({ status: 'running', startDate: '2026-12-20' });
    // w02 (7 Dec, 10 days: last day 16 Dec) also passed; w03 (14 Dec, 14 days) still has days left and keeps its date.
    const w03 = rows.row('w03-landing-testimonials');
    expect(w03).toMatchObject({ status: 'running', startDate: '2026-12-14' });
  });

  it('leaves drafts and manually stopped experiments alone', async () => {
    await transition(data, 'w01-onboarding-ebook-reminder', 'unschedule', { actor: 'ana', nowMs: wednesday });
    await transition(data, 'w02-email-subject-line', 'start', { actor: 'ana', nowMs: wednesday });
    await transition(data, 'w02-email-subject-line', 'stop', { actor: 'ana', nowMs: wednesday + 1000 });
    expect(await tick(data, at('2026-12-01'))).toEqual({ started: [], stopped: [], failed: [] });
  });

  it('the interval wrapper ticks at once and stops cleanly', async () => {
    const lines: string[] = [];
    const scheduler = startScheduler(data, { now: () => at('2026-11-30', 8), intervalMs: 60_000, log: (l) => lines.push(l) });
    scheduler.stop();
    await settle();
    expect(lines).toEqual(['scheduler: started w01-onboarding-ebook-reminder']);
    expect(await scheduler.tickNow()).toEqual({ started: [], stopped: [], failed: [] });
  });
});

describe('startScheduler under fake timers', () => {
  let data: Data;
  useSeededDatabase(wednesday, (_db, fresh) => { data = fresh; });
  let cleanup = () => {};
  afterEach(() => { cleanup(); vi.useRealTimers(); });
  /** Moves the fake clock, then lets the ticks it started finish. */
  const advance = async (ms: number) => { vi.advanceTimersByTime(ms); await settle(); };

  /** A seeded database, fake interval timers, and a scheduler whose clock and logs the test reads. */
  function running(options: { failOnTicks?: number[] } = {}) {
    let scheduler: { stop: () => void } | null = null;
    cleanup = () => { scheduler?.stop(); };
    // Only the timers: Date stays real, and every time the scheduler sees comes from `clock`.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const clock = { nowMs: at('2026-11-29', 8), ticks: 0 };
    const lines: string[] = [];
    const errors: Array<{ message: string; err: unknown }> = [];
    const handle = startScheduler(data, {
      intervalMs: 60_000,
      now: () => {
        clock.ticks++;
        if (options.failOnTicks?.includes(clock.ticks)) throw new Error(`clock broke on tick ${clock.ticks}`);
        return clock.nowMs;
      },
      log: (line) => lines.push(line),
      logError: (message, err) => errors.push({ message, err })
    });
    scheduler = handle;
    return { clock, lines, errors, scheduler: handle };
  }

  it('ticks once at start and then once every intervalMs (guards: the interval never ticks)', async () => {
    const { clock } = running();
    expect(clock.ticks).toBe(1);
    await advance(59_999);
    expect(clock.ticks).toBe(1);
    await advance(1);
    expect(clock.ticks).toBe(2);
    await advance(3 * 60_000);
    expect(clock.ticks).toBe(5);
  });

  it('a tick of the interval moves experiments whose day has come (guards: the interval never ticks)', async () => {
    const { clock, lines } = running();
    expect(lines).toEqual([]); // Sunday 29 Nov: nothing is due
    clock.nowMs = at('2026-11-30', 8);
    await advance(60_000);
    expect(lines).toEqual(['scheduler: started w01-onboarding-ebook-reminder']);
    clock.nowMs = at('2026-12-07', 8);
    await advance(60_000);
    expect(lines).toEqual(['scheduler: started w01-onboarding-ebook-reminder', 'scheduler: started w02-email-subject-line']);
  });

  it('stop() halts the interval: no tick after it (guards: stop() does nothing)', async () => {
    const { clock, lines, scheduler } = running();
    await advance(60_000);
    expect(clock.ticks).toBe(2);
    scheduler.stop();
    expect(vi.getTimerCount()).toBe(0);
    clock.nowMs = at('2026-11-30', 8); // w01 would start on the next tick
    await advance(10 * 60_000);
    expect(clock.ticks).toBe(2);
    expect(lines).toEqual([]);
  });

  it('a tick that throws is logged, and the next tick runs', async () => {
    const { clock, lines, errors } = running({ failOnTicks: [2] });
    clock.nowMs = at('2026-11-30', 8);
    await advance(60_000); // tick 2 throws
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('scheduler tick failed');
    expect((errors[0]!.err as Error).message).toBe('clock broke on tick 2');
    expect(lines).toEqual([]);
    await advance(60_000); // tick 3 runs normally
    expect(clock.ticks).toBe(3);
    expect(errors).toHaveLength(1);
    expect(lines).toEqual(['scheduler: started w01-onboarding-ebook-reminder']);
  });

  it('the first tick, at start, may throw too: logged, and the interval still runs', async () => {
    const { clock, lines, errors } = running({ failOnTicks: [1] });
    await settle();
    expect(errors.map((e) => e.message)).toEqual(['scheduler tick failed']);
    clock.nowMs = at('2026-11-30', 8);
    await advance(60_000);
    expect(lines).toEqual(['scheduler: started w01-onboarding-ebook-reminder']);
  });
});
