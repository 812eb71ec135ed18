import { error, redirect } from '@sveltejs/kit';
import { startPlan } from '$calendar/plans/index.ts';
import { putInOneLayer } from '$calendar/planning/index.ts';
import { draftNextPlan } from '$calendar/playbook/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { db } from '$lib/server/db.ts';
import { attempt, uiContext } from '$lib/server/actions.ts';
import { loadPlanPage } from '$lib/server/plan-page.ts';
import type { Actions, PageServerLoad } from './$types';

function planId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) error(404, { message: `no plan '${raw}'`, code: 'not_found' });
  return id;
}

export const load: PageServerLoad = ({ params }) => {
  try {
    return loadPlanPage(planId(params.id));
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};

export const actions: Actions = {
  start: ({ params }) => attempt(() => { startPlan(db(), planId(params.id), uiContext()); return { done: 'started' }; }),
  layer: async ({ params, request }) => {
    const keys = (await request.formData()).getAll('experiments').map(String);
    planId(params.id);
    return attempt(() => { putInOneLayer(db(), keys, uiContext()); return { done: 'layer' }; });
  },
  draftNext: ({ params }) => {
    const result = attempt(() => draftNextPlan(db(), planId(params.id), uiContext()));
    if ('planId' in result) redirect(303, `/plans/${result.planId}`);
    return result;
  }
};
