import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experiments, layers } from '../../db/schema.ts';
import { addDaysIso, isoDay, weekStartIso } from '../dates.ts';
import { endDateOf } from '../experiments/queries.ts';
import { getPlan, type PlanRow } from '../plans/commands.ts';
import { findConflicts, type Conflict } from './conflicts.ts';
import { experimentPower, type ExperimentPower } from './experiment-power.ts';

export type TimelineExperiment = {
  id: number; key: string; name: string; week: number | null; status: string;
  channels: string[]; audience: string | null; owner: string | null; lifecycleStage: string | null;
  startDate: string | null; endDate: string | null; durationDays: number;
  layer: string | null; power: ExperimentPower; conflictsWith: string[];
};

export type PlanTimeline = {
  plan: PlanRow & { endDate: string };
  today: string;
  weeks: Array<{ week: number; startDate: string; endDate: string }>;
  experiments: TimelineExperiment[];
  conflicts: Conflict[];
};

/**
 * Everything the calendar page draws: weeks, each experiment with its dates, status, power
 * check and conflicts, and today's date from the server clock.
 * @example getPlanTimeline(db, 1, now()).experiments[0].power.message
 */
export function getPlanTimeline(db: Db, planId: number, nowMs: number): PlanTimeline {
  const plan = getPlan(db, planId);
  const rows = db.select({ e: experiments, layerKey: layers.key }).from(experiments)
    .leftJoin(layers, eq(layers.id, experiments.layerId))
    .where(eq(experiments.planId, planId)).orderBy(asc(experiments.week), asc(experiments.startDate), asc(experiments.id)).all();
  const list = rows.map(({ e, layerKey }) => ({ ...e, endDate: endDateOf(e), layer: layerKey }));
  const conflicts = findConflicts(list);
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
      power: experimentPower(db, e.id),
      conflictsWith: conflicts.flatMap((c) => (c.keys[0] === e.key ? [c.keys[1]] : c.keys[1] === e.key ? [c.keys[0]] : []))
    })),
    conflicts
  };
}
