import { currentPlan } from '$calendar/plans/index.ts';
import { data } from '$lib/server/db.ts';
import { loadPlanPage } from '$lib/server/plan-page.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
  const plan = await currentPlan(data());
  return { page: plan ? await loadPlanPage(plan.id) : null };
};
