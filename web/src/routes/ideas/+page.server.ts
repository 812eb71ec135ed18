import { fail } from '@sveltejs/kit';
import { createIdea, dropIdea, ideaSources, listIdeas, moveIdeaToWeek } from '$calendar/ideas/index.ts';
import { listPlans } from '$calendar/plans/index.ts';
import { DomainError, httpStatusOf } from '$calendar/errors.ts';
import { channels } from '$calendar/model.ts';
import { addDaysIso, isoDay, weekStartIso } from '$calendar/dates.ts';
import { now } from '$calendar/clock.ts';
import { data } from '$lib/server/db.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import { attempt, field, numberField, uiContext } from '$lib/server/actions.ts';
import type { Actions, PageServerLoad } from './$types';

/** The first week of a plan that has not ended by `today` (weeks + 1 when all are over). */
function firstOpenWeek(startDate: string, weeks: number, today: string): number {
  for (let w = 1; w <= weeks; w++) if (addDaysIso(weekStartIso(startDate, w), 6) >= today) return w;
  return weeks + 1;
}

export const load: PageServerLoad = async () => ({
  ideas: await listIdeas(data(), { status: 'open' }),
  // Only weeks that are not over: an idea moved into a past week is refused.
  plans: (await listPlans(data())).filter((p) => p.status !== 'archived')
    .map((p) => ({ id: p.id, name: p.name, weeks: p.weeks, status: p.status, firstOpenWeek: firstOpenWeek(p.startDate, p.weeks, isoDay(now())) }))
    .filter((p) => p.firstOpenWeek <= p.weeks),
  sources: ideaSources, channels
});

export const actions: Actions = {
  create: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const result = await attempt(async () => {
      await createIdea(data(), {
        title: field(form, 'title') ?? '', hypothesis: field(form, 'hypothesis'), notes: field(form, 'notes'),
        source: (field(form, 'source') ?? 'other') as (typeof ideaSources)[number],
        channel: (field(form, 'channel') ?? null) as (typeof channels)[number] | null
      }, uiContext());
      return { done: 'created' };
    });
    if ('done' in result) redirectWithFlash(cookies, url, '/ideas', 'Idea added to the backlog.');
    return result;
  },
  move: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const [planId, week] = (field(form, 'target') ?? '').split(':').map(Number);
    let key: string;
    try {
      key = (await moveIdeaToWeek(data(), numberField(form, 'id') ?? 0, { planId: planId ?? 0, week: week ?? 0 }, uiContext())).key;
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message });
      throw err;
    }
    redirectWithFlash(cookies, url, `/experiments/${key}/edit`, 'The idea is now a draft experiment: complete it here.');
  },
  drop: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const result = await attempt(async () => { await dropIdea(data(), numberField(form, 'id') ?? 0, uiContext()); return { done: 'dropped' }; });
    if ('done' in result) redirectWithFlash(cookies, url, '/ideas', 'Idea dropped: it stays in the audit log.');
    return result;
  }
};
