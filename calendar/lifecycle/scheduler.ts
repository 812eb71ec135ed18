import type { Data, Leadership } from '../../db/store/index.ts';
import { addDaysIso, isoDay } from '../dates.ts';
import { DomainError } from '../errors.ts';
import { transition } from './transitions.ts';
import { assertRegistrable, RegistrationMissingError } from './registration.ts';
import { recordAudit } from '../audit.ts';
import { config } from '../../db/config.ts';

export const SCHEDULER_ACTOR = 'system:scheduler';

export type TickResult = { started: string[]; stopped: string[]; failed: Array<{ key: string; error: string }> };

/**
 * One pass of the scheduler at `nowMs`:
 * 1. stops running experiments whose last day (start + duration - 1) is before today;
 * 2. starts scheduled experiments whose start date is today or earlier. A start whose whole
 *    window has already passed (the server was down) moves to today (logged) and runs its full duration.
 *    One without a pre-registration (primary metric and criteria, or exploratory) stays scheduled:
 *    it is reported in `failed` and logged once as `experiment.start-refused` with the reason.
 * Days are the server's local calendar days. Pure apart from the database: no timers.
 * @example await tick(data, Date.parse('2026-12-14T00:00:00')) // { started: ['w03-...'], stopped: ['w01-...'], failed: [] }
 */
export async function tick(data: Data, nowMs: number, actor = SCHEDULER_ACTOR): Promise<TickResult> {
  const today = isoDay(nowMs);
  const result: TickResult = { started: [], stopped: [], failed: [] };

  const due = async (key: string, action: 'start' | 'stop', list: string[], extra: Record<string, unknown> = {}) => {
    try {
      const reason = action === 'start' ? 'start date reached' : 'duration elapsed';
      await transition(data, key, action, { actor, nowMs, details: { reason, ...extra } });
      list.push(key);
    } catch (err) {
      // Another actor may have moved it between the query and the transition: report, go on.
      if (!(err instanceof DomainError)) throw err;
      result.failed.push({ key, error: err.message });
      if (err instanceof RegistrationMissingError) await recordRefusal(data, key, err.message, nowMs, actor);
    }
  };

  const toStop = await data.experiments.runningPastEnd(today);
  for (const { key } of toStop) await due(key, 'stop', result.stopped);

  const toStart = (await data.experiments.list({ status: 'scheduled', hasStartDate: true })).filter((e) => e.startDate! <= today);
  for (const row of toStart) {
    let late: boolean;
    try {
      late = addDaysIso(row.startDate!, row.durationDays - 1) < today;
    } catch (err) {
      // One unreadable row (e.g. a date saved before dates were validated) must not stop the others.
      result.failed.push({ key: row.key, error: `bad start date '${row.startDate}': ${(err as Error).message}` });
      continue;
    }
    try {
      // Checked before a late start moves the date, so a refused experiment keeps its planned dates.
      await assertRegistrable(data, row);
    } catch (err) {
      if (!(err instanceof RegistrationMissingError)) throw err;
      result.failed.push({ key: row.key, error: err.message });
      await recordRefusal(data, row.key, err.message, nowMs, actor);
      continue;
    }
    if (late) await data.transaction((tx) => tx.experiments.update(row.id, { startDate: today }));
    await due(row.key, 'start', result.started, late ? { lateStart: { plannedStartDate: row.startDate, startDate: today } } : {});
  }
  return result;
}

/**
 * Logs `experiment.start-refused` once per reason: the scheduler retries every tick, and the
 * experiment page shows the latest refusal while the experiment still waits.
 */
async function recordRefusal(data: Data, key: string, reason: string, nowMs: number, actor: string): Promise<void> {
  const [last] = await data.audit.list({ entityType: 'experiment', entityId: key, limit: 1 });
  if (last?.action === 'experiment.start-refused' && last.details.reason === reason) return;
  await recordAudit(data, { actor, action: 'experiment.start-refused', entityType: 'experiment', entityId: key, atMs: nowMs, details: { reason } });
}

export type SchedulerHandle = { stop: () => void; tickNow: () => Promise<TickResult> };

/** The servers' tick interval: `SCHEDULER_INTERVAL_SECONDS` (default 30 s). */
export function schedulerIntervalMs(): number {
  return config().schedulerIntervalMs;
}

/**
 * Runs `tick` every `intervalMs` (and once at once) with the given clock. Errors (a throwing
 * clock, a rejected tick) are logged (`logError`, default console.error), never thrown out of
 * the timer. The timer does not keep the process alive. `tickNow()` runs one tick and resolves with what it moved.
 * @example const scheduler = startScheduler(data, { now, intervalMs: 30_000 }); ...; scheduler.stop();
 */
export function startScheduler(data: Data, options: {
  now: () => number; intervalMs: number; log?: (line: string) => void; logError?: (message: string, err: unknown) => void;
}): SchedulerHandle {
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.logError ?? ((message: string, err: unknown) => console.error(message, err));
  const tickNow = async (): Promise<TickResult> => {
    const result = await tick(data, options.now());
    if (result.started.length) log(`scheduler: started ${result.started.join(', ')}`);
    if (result.stopped.length) log(`scheduler: stopped ${result.stopped.join(', ')}`);
    for (const f of result.failed) log(`scheduler: could not move ${f.key}: ${f.error}`);
    return result;
  };
  const safeTick = () => { tickNow().catch((err: unknown) => logError('scheduler tick failed', err)); };
  safeTick();
  const timer = setInterval(safeTick, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), tickNow };
}

export type LeaderSchedulerHandle = {
  /** True while this process is the leader and its scheduler runs. */
  readonly leading: boolean;
  /** Stops the scheduler and gives up the lead (another process takes it at its next try). */
  stop(): Promise<void>;
};

/**
 * The scheduler of a process that may share its database with others: it runs only while
 * `leadership` says this process leads (PostgreSQL: one replica at a time; SQLite: always), and
 * stops the moment the lead is lost. A standby that is elected later starts it then, with a
 * tick at once, so the work missed while no one led is done right away.
 * @example const scheduler = startSchedulerWhenLeader(data, leadership, { now, intervalMs: 30_000 }); ...; await scheduler.stop();
 */
export function startSchedulerWhenLeader(data: Data, leadership: Leadership, options: Parameters<typeof startScheduler>[1]): LeaderSchedulerHandle {
  const log = options.log ?? ((line: string) => console.log(line));
  let running: SchedulerHandle | null = null;
  const candidacy = leadership.campaign({
    elected() {
      running?.stop();
      running = startScheduler(data, options);
    },
    deposed(reason) {
      if (!running) return;
      running.stop();
      running = null;
      log(`scheduler: stopped in this process (${reason}); another replica may lead now`);
    }
  });
  return {
    get leading() { return running !== null; },
    async stop() {
      await candidacy.stop();
      running?.stop();
      running = null;
    }
  };
}
