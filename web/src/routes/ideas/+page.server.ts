import { fail, redirect } from '@sveltejs/kit';
import { createIdea, dropIdea, ideaSources, listIdeas, moveIdeaToWeek } from '$calendar/ideas/index.ts';
import { listPlans } from '$calendar/plans/index.ts';
import { DomainError, httpStatusOf } from '$calendar/errors.ts';
import { channels } from '$calendar/model.ts';
import { data } from '$lib/server/db.ts';
import { attempt, field, numberField, uiContext } from '$lib/server/actions.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({
  ideas: await listIdeas(data(), { status: 'open' }),
  plans: (await listPlans(data())).filter((p) => p.status !== 'archived').map((p) => ({ id: p.id, name: p.name, weeks: p.weeks, status: p.status })),
  sources: ideaSources, channels
});

export const actions: Actions = {
  create: async ({ request }) => {
    const form = await request.formData();
    return attempt(async () => {
      await createIdea(data(), {
        title: field(form, 'title') ?? '', hypothesis: field(form, 'hypothesis'), notes: field(form, 'notes'),
        source: (field(form, 'source') ?? 'other') as (typeof ideaSources)[number],
        channel: (field(form, 'channel') ?? null) as (typeof channels)[number] | null
      }, uiContext());
      return { done: 'created' };
    });
  },
  move: async ({ request }) => {
    const form = await request.formData();
    const [planId, week] = (field(form, 'target') ?? '').split(':').map(Number);
    let key: string;
    try {
      key = (await moveIdeaToWeek(data(), numberField(form, 'id') ?? 0, { planId: planId ?? 0, week: week ?? 0 }, uiContext())).key;
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message });
      throw err;
    }
    redirect(303, `/experiments/${key}/edit`);
  },
  drop: async ({ request }) => {
    const form = await request.formData();
    return attempt(async () => { await dropIdea(data(), numberField(form, 'id') ?? 0, uiContext()); return { done: 'dropped' }; });
  }
};
