import { error, redirect } from '@sveltejs/kit';
import { startPlan } from '$calendar/plans/index.ts';
import { putInOneLayer } from '$calendar/planning/index.ts';
import { draftNextPlan } from '$calendar/playbook/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';
import { attempt, uiContext } from '$lib/server/actions.ts';
import { loadPlanPage } from '$lib/server/plan-page.ts';
import type { Actions, PageServerLoad } from './$types';

function planId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) error(404, { message: `no plan '${raw}'`, code: 'not_found' });
  return id;
}

export const load: PageServerLoad = async ({ params }) => {
  try {
    return await loadPlanPage(planId(params.id));
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};

export const actions: Actions = {
  start: ({ params }) => attempt(async () => { await startPlan(data(), planId(params.id), uiContext()); return { done: 'started' }; }),
  layer: async ({ params, request }) => {
    const keys = (await request.formData()).getAll('experiments').map(String);
    planId(params.id);
    return attempt(async () => { await putInOneLayer(data(), keys, uiContext()); return { done: 'layer' }; });
  },
  draftNext: async ({ params }) => {
    const result = await attempt(() => draftNextPlan(data(), planId(params.id), uiContext()));
    if ('planId' in result) redirect(303, `/plans/${result.planId}`);
    return result;
  }
};
