import type { Data } from '../../db/store/index.ts';
import { addDaysIso, isoDay, weekStartIso } from '../dates.ts';
import type { Experiment } from '../model.ts';
import { endDateOf } from '../experiments/queries.ts';
import { getPlan, type PlanRow } from '../plans/commands.ts';
import { findConflicts, type Conflict } from './conflicts.ts';
import { experimentPower, type ExperimentPower } from './experiment-power.ts';

export type TimelineExperiment = {
  id: number; key: string; name: string; week: number | null; status: string;
  channels: string[]; audience: string | null; owner: string | null; lifecycleStage: string | null;
  startDate: string | null; endDate: string | null; durationDays: number;
  layer: string | null; power: ExperimentPower; conflictsWith: string[];
  /** The day a run that was stopped before its planned end stopped (its bar ends there); else null. */
  stoppedDate: string | null;
};

export type PlanTimeline = {
  plan: PlanRow & { endDate: string };
  today: string;
  weeks: Array<{ week: number; startDate: string; endDate: string }>;
  experiments: TimelineExperiment[];
  conflicts: Conflict[];
};

/**
 * The day a stopped (or later concluded or promoted) run stopped, when that is before its
 * planned last day; a restarted run (status running again) has none.
 * @example stoppedDateOf({ status: 'stopped', stoppedAtMs: new Date('2026-12-09T12:00').getTime(), startDate: '2026-12-07', durationDays: 14 }) // '2026-12-09'
 */
export function stoppedDateOf(e: Pick<Experiment, 'status' | 'stoppedAtMs' | 'startDate' | 'durationDays'>): string | null {
  if (!['stopped', 'concluded', 'promoted'].includes(e.status) || e.stoppedAtMs === null || !e.startDate) return null;
  const day = isoDay(e.stoppedAtMs);
  const plannedEnd = endDateOf(e)!;
  return day < plannedEnd ? (day < e.startDate ? e.startDate : day) : null;
}

function nullsFirst<T extends number | string>(a: T | null, b: T | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/**
 * Everything the calendar page draws: weeks, each experiment with its dates, status, power
 * check and conflicts, and today's date from the server clock.
 * @example (await getPlanTimeline(data, 1, now())).experiments[0].power.message
 */
export async function getPlanTimeline(data: Data, planId: number, nowMs: number): Promise<PlanTimeline> {
  const plan = await getPlan(data, planId);
  // By week, then start date, then id (no week and no start date first, as SQL sorts nulls).
  const rows = (await data.experiments.list({ planId }))
    .sort((a, b) => nullsFirst(a.week, b.week) || nullsFirst(a.startDate, b.startDate) || a.id - b.id);
  const layerKeys = new Map((await data.layers.list()).map((l) => [l.id, l.key]));
  const list = rows.map((e) => ({ ...e, endDate: endDateOf(e), layer: e.layerId === null ? null : layerKeys.get(e.layerId) ?? null }));
  const conflicts = findConflicts(list);
  const power = new Map<number, ExperimentPower>();
  for (const e of list) power.set(e.id, await experimentPower(data, e.id));
  return {
    plan: { ...plan, endDate: addDaysIso(plan.startDate, plan.weeks * 7 - 1) },
    today: isoDay(nowMs),
    weeks: Array.from({ length: plan.weeks }, (_, i) => {
      const startDate = weekStartIso(plan.startDate, i + 1);
      return { week: i + 1, startDate, endDate: addDaysIso(startDate, 6) };
    }),
    experiments: list.map((e) => ({
      id: e.id, key: e.key, name: e.name, week: e.week, status: e.status, channels: e.channels,
      audience: e.audience, owner: e.owner, lifecycleStage: e.lifecycleStage,
      startDate: e.startDate, endDate: e.endDate, durationDays: e.durationDays, layer: e.layer,
      power: power.get(e.id)!, stoppedDate: stoppedDateOf(e),
      conflictsWith: conflicts.flatMap((c) => (c.keys[0] === e.key ? [c.keys[1]] : c.keys[1] === e.key ? [c.keys[0]] : []))
    })),
    conflicts
  };
}
