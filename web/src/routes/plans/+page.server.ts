import { fail, redirect } from '@sveltejs/kit';
import { createPlan, listPlans } from '$calendar/plans/index.ts';
import { loadPlanTemplate } from '$calendar/seed/index.ts';
import { DomainError, httpStatusOf } from '$calendar/errors.ts';
import { nextMondayIso } from '$calendar/dates.ts';
import { now } from '$calendar/clock.ts';
import { data } from '$lib/server/db.ts';
import { field, uiContext } from '$lib/server/actions.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ plans: await listPlans(data()), nextMonday: nextMondayIso(new Date(now())) });

/** "email: 1200, in-app: 1500" (or one per line) -> { email: 1200, 'in-app': 1500 }. */
function parseTraffic(text: string): Record<string, number> {
  return Object.fromEntries(text.split(/[\n,;]/).map((part) => part.trim()).filter(Boolean).map((part) => {
    const [name, value] = part.split(/[:=]/).map((s) => s?.trim() ?? '');
    return [name, Number((value ?? '').replace(/[\s_]/g, ''))];
  }));
}

export const actions: Actions = {
  create: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const values = Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
    let id: number;
    try {
      id = (await createPlan(data(), {
        name: field(form, 'name') ?? '', startDate: field(form, 'startDate') ?? '', weeks: Number(field(form, 'weeks') ?? 12) as 12 | 13,
        owner: field(form, 'owner'), goal: field(form, 'goal'), notes: field(form, 'notes'),
        dailyTraffic: parseTraffic(field(form, 'dailyTraffic') ?? '')
      }, uiContext())).id;
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message, values });
      throw err;
    }
    redirectWithFlash(cookies, url, `/plans/${id}`, 'Plan created as a draft: add experiments to its weeks, then accept it.');
  },
  /** Loads the starter 90-day template; loading it again opens the plan it already made. */
  loadStarter: async () => {
    const { planId } = await loadPlanTemplate(data(), { nowMs: now(), actor: uiContext().actor });
    redirect(303, `/plans/${planId}`);
  }
};
