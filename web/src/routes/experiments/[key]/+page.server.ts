import { error, redirect } from '@sveltejs/kit';
import { getExperimentDetail, startExperiment } from '$calendar/experiments/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { concludeExperiment, extendDuration, reschedule, startReadiness, transition, type LifecycleAction } from '$calendar/lifecycle/index.ts';
import { experimentPower } from '$calendar/planning/index.ts';
import { playbookEntryOf, promoteExperiment, setRollout } from '$calendar/playbook/index.ts';
import { planWeeks } from '$calendar/plans/index.ts';
import { latestDecision } from '$calendar/reports/index.ts';
import { now } from '$calendar/clock.ts';
import { data } from '$lib/server/db.ts';
import { attempt, field, numberField, uiContext } from '$lib/server/actions.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
  try {
    const experiment = await getExperimentDetail(data(), params.key);
    const decision = ['stopped', 'concluded', 'promoted'].includes(experiment.status) ? await latestDecision(data(), params.key, now()) : null;
    const entry = await playbookEntryOf(data(), experiment.id);
    const weeks = experiment.planId === null ? null : await planWeeks(data(), experiment.planId);
    return { experiment, power: await experimentPower(data(), experiment.id), decision, entry, planWeeks: weeks, readiness: await startReadiness(data(), params.key) };
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};

const move = (action: LifecycleAction) => ({ params }: { params: { key: string } }) =>
  attempt(async () => { await transition(data(), params.key, action, uiContext()); return { done: action }; });

export const actions: Actions = {
  schedule: move('schedule'),
  unschedule: move('unschedule'),
  // The assignment engineer's start also checks the layer slice and that there are two variants.
  start: ({ params }) => attempt(async () => { await startExperiment(data(), params.key, uiContext()); return { done: 'start' }; }),
  stop: move('stop'),
  conclude: ({ params }) => attempt(async () => { await concludeExperiment(data(), params.key, uiContext()); return { done: 'conclude' }; }),
  extend: async ({ params, request }) => {
    const days = numberField(await request.formData(), 'days') ?? Number.NaN;
    return attempt(async () => { await extendDuration(data(), params.key, days, uiContext()); return { done: 'extend' }; });
  },
  reschedule: async ({ params, request }) => {
    const week = numberField(await request.formData(), 'week') ?? Number.NaN;
    return attempt(async () => { await reschedule(data(), params.key, { week }, uiContext()); return { done: 'reschedule' }; });
  },
  promote: async ({ params, request }) => {
    const form = await request.formData();
    const result = await attempt(() => promoteExperiment(data(), params.key, {
      learning: field(form, 'learning') ?? '', rollout: form.get('rollout') === 'on'
    }, uiContext()));
    if ('id' in result) redirect(303, `/playbook#entry-${result.id}`);
    return result;
  },
  stopRollout: ({ params }) => attempt(async () => { await setRollout(data(), params.key, null, uiContext()); return { done: 'stopRollout' }; })
};
