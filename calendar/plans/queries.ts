import type { Data } from '../../db/store/index.ts';
import type { Plan } from '../model.ts';
import { addDaysIso, weekStartIso } from '../dates.ts';
import { NotFoundError } from '../errors.ts';
import { listExperiments, type ExperimentSummary } from '../experiments/queries.ts';

export type PlanRow = Plan;

/** A plan with its weekly slots; a slot may hold several experiments or none. */
export type PlanCalendar = PlanRow & {
  endDate: string;
  weekSlots: Array<{ week: number; startDate: string; endDate: string; experiments: ExperimentSummary[] }>;
};

/** All plans, newest start first. */
export async function listPlans(data: Data): Promise<PlanRow[]> {
  return data.plans.list();
}

/** The plan teams look at by default: the active one starting last, else the newest. */
export async function currentPlan(data: Data): Promise<PlanRow | null> {
  const all = await listPlans(data);
  return all.find((p) => p.status === 'active') ?? all[0] ?? null;
}

/** How many weeks a plan has, or null when there is no such plan. */
export async function planWeeks(data: Data, planId: number): Promise<number | null> {
  return (await data.plans.byId(planId))?.weeks ?? null;
}

/** A plan laid out week by week. Throws NotFoundError. */
export async function getPlanCalendar(data: Data, planId: number): Promise<PlanCalendar> {
  const plan = await data.plans.byId(planId);
  if (!plan) throw new NotFoundError('plan', planId);
  const experiments = await listExperiments(data, { planId });
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
