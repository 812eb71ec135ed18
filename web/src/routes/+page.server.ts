import { currentPlan } from '$calendar/plans/index.ts';
import { db } from '$lib/server/db.ts';
import { loadPlanPage } from '$lib/server/plan-page.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = () => {
  const plan = currentPlan(db());
  return { page: plan ? loadPlanPage(plan.id) : null };
};
