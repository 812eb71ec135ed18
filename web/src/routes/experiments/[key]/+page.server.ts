import { error, redirect } from '@sveltejs/kit';
import { getExperimentDetail, startExperiment } from '$calendar/experiments/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { concludeExperiment, extendDuration, reschedule, transition, type LifecycleAction } from '$calendar/lifecycle/index.ts';
import { experimentPower } from '$calendar/planning/index.ts';
import { playbookEntryOf, promoteExperiment, setRollout } from '$calendar/playbook/index.ts';
import { planWeeks } from '$calendar/plans/index.ts';
import { latestDecision } from '$calendar/reports/index.ts';
import { now } from '$calendar/clock.ts';
import { db } from '$lib/server/db.ts';
import { attempt, field, numberField, uiContext } from '$lib/server/actions.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params }) => {
  try {
    const experiment = getExperimentDetail(db(), params.key);
    const decision = ['stopped', 'concluded', 'promoted'].includes(experiment.status) ? latestDecision(db(), params.key, now()) : null;
    const entry = playbookEntryOf(db(), experiment.id);
    const weeks = experiment.planId === null ? null : planWeeks(db(), experiment.planId);
    return { experiment, power: experimentPower(db(), experiment.id), decision, entry, planWeeks: weeks };
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};

const move = (action: LifecycleAction) => ({ params }: { params: { key: string } }) =>
  attempt(() => { transition(db(), params.key, action, uiContext()); return { done: action }; });

export const actions: Actions = {
  schedule: move('schedule'),
  unschedule: move('unschedule'),
  // The assignment engineer's start also checks the layer slice and that there are two variants.
  start: ({ params }) => attempt(() => { startExperiment(db(), params.key, uiContext()); return { done: 'start' }; }),
  stop: move('stop'),
  conclude: ({ params }) => attempt(() => { concludeExperiment(db(), params.key, uiContext()); return { done: 'conclude' }; }),
  extend: async ({ params, request }) => {
    const days = numberField(await request.formData(), 'days') ?? Number.NaN;
    return attempt(() => { extendDuration(db(), params.key, days, uiContext()); return { done: 'extend' }; });
  },
  reschedule: async ({ params, request }) => {
    const week = numberField(await request.formData(), 'week') ?? Number.NaN;
    return attempt(() => { reschedule(db(), params.key, { week }, uiContext()); return { done: 'reschedule' }; });
  },
  promote: async ({ params, request }) => {
    const form = await request.formData();
    const result = attempt(() => promoteExperiment(db(), params.key, {
      learning: field(form, 'learning') ?? '', rollout: form.get('rollout') === 'on'
    }, uiContext()));
    if ('id' in result) redirect(303, `/playbook#entry-${result.id}`);
    return result;
  },
  stopRollout: ({ params }) => attempt(() => { setRollout(db(), params.key, null, uiContext()); return { done: 'stopRollout' }; })
};
