import { describe, expect, it } from 'vitest';
import type { Data, LeaderCallbacks, Leadership } from '../../db/store/index.ts';
import { soleLeadership } from '../../db/store/replicas.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { startSchedulerWhenLeader } from './scheduler.ts';

// Seeded on Wednesday 25 Nov 2026; the plan's first week starts on Monday 30 Nov (local times).
const wednesday = new Date(2026, 10, 25, 10).getTime();
const monday = new Date(2026, 10, 30, 9).getTime();
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

/** A log that resolves `moved` at the scheduler's first "started" line (its tick runs off the timer). */
function schedulerLog() {
  const lines: string[] = [];
  let resolveMoved!: () => void;
  const moved = new Promise<void>((resolve) => { resolveMoved = resolve; });
  return { lines, moved, log: (line: string) => { lines.push(line); if (line.startsWith('scheduler: started')) resolveMoved(); } };
}

/** A leadership whose elections the test holds: the port as an engine would drive it. */
function heldLeadership(): Leadership & { elect(): void; depose(reason: string): void; stopped: boolean } {
  let callbacks: LeaderCallbacks | null = null;
  const held = {
    stopped: false,
    campaign(c: LeaderCallbacks) {
      callbacks = c;
      return { leading: false, stop: async () => { held.stopped = true; } };
    },
    elect: () => callbacks!.elected(),
    depose: (reason: string) => callbacks!.deposed(reason)
  };
  return held;
}

describe('the scheduler under a leadership', () => {
  let data: Data;
  let rows: ExperimentRows;
  useSeededDatabase(wednesday, (db, fresh) => { data = fresh; rows = experimentRows(db); });
  const started = () => rows.audit({}).filter((m) => m.action === 'experiment.start').length;

  it('ticks only while elected, at once on election, and gives up the lead on stop', async () => {
    const leadership = heldLeadership();
    const { lines: log, moved, log: logLine } = schedulerLog();
    const scheduler = startSchedulerWhenLeader(data, leadership, { now: () => monday, intervalMs: 60_000, log: logLine });
    await settle();
    expect(scheduler.leading).toBe(false);
    expect(started()).toBe(0);

    leadership.elect();
    expect(scheduler.leading).toBe(true);
    await moved;
    expect(started()).toBeGreaterThan(0);

    leadership.depose('connection lost: test');
    expect(scheduler.leading).toBe(false);
    expect(log.at(-1)).toBe('scheduler: stopped in this process (connection lost: test); another replica may lead now');

    await scheduler.stop();
    expect(leadership.stopped).toBe(true);
  });

  it('on one process (SQLite) leads at once', async () => {
    const { moved, log } = schedulerLog();
    const scheduler = startSchedulerWhenLeader(data, soleLeadership, { now: () => monday, intervalMs: 60_000, log });
    expect(scheduler.leading).toBe(true);
    await moved;
    expect(started()).toBeGreaterThan(0);
    await scheduler.stop();
    expect(scheduler.leading).toBe(false);
  });
});
