import { currentPlan, getPlanCalendar } from '$calendar/plans/index.ts';
import { db } from '$lib/server/db.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = () => {
  const plan = currentPlan(db());
  return { calendar: plan ? getPlanCalendar(db(), plan.id) : null };
};
