import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { plans } from '../../db/schema.ts';
import { addDaysIso, weekStartIso } from '../dates.ts';
import { NotFoundError } from '../errors.ts';
import { listExperiments, type ExperimentSummary } from '../experiments/queries.ts';

export type PlanRow = typeof plans.$inferSelect;

/** A plan with its weekly slots; a slot may hold several experiments or none. */
export type PlanCalendar = PlanRow & {
  endDate: string;
  weekSlots: Array<{ week: number; startDate: string; endDate: string; experiments: ExperimentSummary[] }>;
};

/** All plans, newest start first. */
export function listPlans(db: Db): PlanRow[] {
  return db.select().from(plans).orderBy(desc(plans.startDate), asc(plans.id)).all();
}

/** The plan teams look at by default: the active one starting last, else the newest. */
export function currentPlan(db: Db): PlanRow | null {
  const all = listPlans(db);
  return all.find((p) => p.status === 'active') ?? all[0] ?? null;
}

/** How many weeks a plan has, or null when there is no such plan. */
export function planWeeks(db: Db, planId: number): number | null {
  return db.select({ weeks: plans.weeks }).from(plans).where(eq(plans.id, planId)).get()?.weeks ?? null;
}

/** A plan laid out week by week. Throws NotFoundError. */
export function getPlanCalendar(db: Db, planId: number): PlanCalendar {
  const plan = db.select().from(plans).where(eq(plans.id, planId)).get();
  if (!plan) throw new NotFoundError('plan', planId);
  const experiments = listExperiments(db, { planId });
  const weekSlots = Array.from({ length: plan.weeks }, (_, i) => {
    const week = i + 1;
    const startDate = weekStartIso(plan.startDate, week);
    return {
      week, startDate, endDate: addDaysIso(startDate, 6),
      experiments: experiments.filter((e) => e.week === week)
    };
  });
  return { ...plan, endDate: addDaysIso(plan.startDate, plan.weeks * 7 - 1), weekSlots };
}
