import { error, redirect } from '@sveltejs/kit';
import { programImpact, setPlanHoldout, startPlan } from '$calendar/plans/index.ts';
import { now } from '$calendar/clock.ts';
import { putInOneLayer } from '$calendar/planning/index.ts';
import { draftNextPlan } from '$calendar/playbook/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';
import { attempt, uiContext } from '$lib/server/actions.ts';
import { loadPlanPage } from '$lib/server/plan-page.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import type { Actions, PageServerLoad } from './$types';

function planId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) error(404, { message: `no plan '${raw}'`, code: 'not_found' });
  return id;
}

export const load: PageServerLoad = async ({ params }) => {
  try {
    const id = planId(params.id);
    const page = await loadPlanPage(id);
    // The program impact report, when the plan has a holdout to compare with.
    const impact = page.timeline.plan.holdoutShare > 0 ? await programImpact(data(), id, now()) : null;
    return { ...page, impact };
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};

export const actions: Actions = {
  start: async ({ params, cookies, url }) => {
    const id = planId(params.id);
    const result = await attempt(async () => { await startPlan(data(), id, uiContext()); return { done: 'started' }; });
    if ('done' in result) redirectWithFlash(cookies, url, `/plans/${id}`, 'Plan accepted: its draft experiments are scheduled and start in their weeks.');
    return result;
  },
  layer: async ({ params, request, cookies, url }) => {
    const keys = (await request.formData()).getAll('experiments').map(String);
    const id = planId(params.id);
    const result = await attempt(() => putInOneLayer(data(), keys, uiContext()));
    if ('layerKey' in result) {
      const shares = Object.values(result.slices).map(([a, b]) => `${Math.round((b - a) * 100)}%`).join(' and ');
      redirectWithFlash(cookies, url, `/plans/${id}`, `Put in one exclusive layer: they now get ${shares} of the traffic, and their power checks count only that share.`);
    }
    return result;
  },
  holdout: async ({ params, request, cookies, url }) => {
    const id = planId(params.id);
    const raw = String((await request.formData()).get('percent') ?? '').trim();
    // The form speaks percent; the domain a share. Not a number: the domain's message says so.
    const share = raw === '' ? Number.NaN : Number(raw) / 100;
    const result = await attempt(async () => {
      await setPlanHoldout(data(), id, { share }, uiContext());
      return { done: 'holdout', warning: (await programImpact(data(), id, now())).power.warning };
    });
    if ('done' in result) {
      // The power check right away: a holdout too small for the plan's goal is said when it is chosen.
      const set = `Program holdout set: ${Math.round(share * 1000) / 10}% of users stay out of this plan.`;
      redirectWithFlash(cookies, url, `/plans/${id}`, share > 0 ? `${set}${result.warning ? ` Power check: ${result.warning}.` : ''}` : 'Program holdout off.');
    }
    return result;
  },
  draftNext: async ({ params }) => {
    const result = await attempt(() => draftNextPlan(data(), planId(params.id), uiContext()));
    if ('planId' in result) redirect(303, `/plans/${result.planId}`);
    return result;
  }
};
