import { error, fail } from '@sveltejs/kit';
import { getExperimentDetail, restartExperiment, startExperiment } from '$calendar/experiments/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { concludeExperiment, extendDuration, reschedule, startReadiness, transition } from '$calendar/lifecycle/index.ts';
import { startDateChange } from '$calendar/lifecycle/transitions.ts';
import { restartsOf } from '$calendar/lifecycle/restarts.ts';
import { experimentPower } from '$calendar/planning/index.ts';
import { playbookEntryOf, promoteExperiment, setRollout } from '$calendar/playbook/index.ts';
import { planWeeks } from '$calendar/plans/index.ts';
import { latestDecision } from '$calendar/reports/index.ts';
import { isoDay } from '$calendar/dates.ts';
import { now } from '$calendar/clock.ts';
import { data } from '$lib/server/db.ts';
import { attempt, field, numberField, uiContext } from '$lib/server/actions.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import { longDate } from '$lib/format.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ params }) => {
  try {
    const experiment = await getExperimentDetail(data(), params.key);
    const decision = ['stopped', 'concluded', 'promoted'].includes(experiment.status) ? await latestDecision(data(), params.key, now()) : null;
    const entry = await playbookEntryOf(data(), experiment.id);
    const weeks = experiment.planId === null ? null : await planWeeks(data(), experiment.planId);
    const today = isoDay(now());
    return {
      experiment, power: await experimentPower(data(), experiment.id), decision, entry, planWeeks: weeks,
      readiness: await startReadiness(data(), params.key), today,
      // What a start now would do to the dates, said before the click (a start never moves them silently).
      startChange: ['draft', 'scheduled'].includes(experiment.status) ? startDateChange(experiment, today) : null,
      restarts: await restartsOf(data(), params.key)
    };
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};

/**
 * Runs a lifecycle command; on success, redirects to the clean experiment URL with a short
 * confirmation (post/redirect/get); a domain error stays on the page as its message.
 */
async function act(event: RequestEvent, run: () => Promise<string>) {
  const result = await attempt(run);
  if (typeof result === 'string') redirectWithFlash(event.cookies, event.url, `/experiments/${event.params.key}`, result);
  return result;
}

const ctx = () => uiContext();

export const actions: Actions = {
  schedule: (event) => act(event, async () => {
    const e = await transition(data(), event.params.key, 'schedule', ctx());
    return `Scheduled: the scheduler starts it on ${longDate(e.startDate)}.`;
  }),
  unschedule: (event) => act(event, async () => {
    await transition(data(), event.params.key, 'unschedule', ctx());
    return 'Back to draft: the scheduler will not start it.';
  }),
  // The assignment engineer's start also checks the layer slice and that there are two variants.
  start: (event) => act(event, async () => {
    const before = await getExperimentDetail(data(), event.params.key);
    const e = await startExperiment(data(), event.params.key, ctx());
    const moved = e.startDate !== before.startDate
      ? ` The start moved from ${before.startDate ? longDate(before.startDate) : 'no date'} to ${longDate(e.startDate)}; it now ends ${longDate(e.endDate)}.` : '';
    return `Started: users are assigned from now on.${moved}`;
  }),
  restart: async (event) => {
    const reason = field(await event.request.formData(), 'reason') ?? '';
    return act(event, async () => {
      await restartExperiment(data(), event.params.key, reason, ctx());
      return 'Started again: the report marks the restart with your reason.';
    });
  },
  stop: (event) => act(event, async () => {
    await transition(data(), event.params.key, 'stop', ctx());
    return 'Stopped: every user now gets the control. The report keeps the data collected so far.';
  }),
  conclude: (event) => act(event, async () => {
    await concludeExperiment(data(), event.params.key, ctx());
    return 'Concluded: the test is closed for good. Record the decision on the report.';
  }),
  extend: async (event) => {
    const days = numberField(await event.request.formData(), 'days') ?? Number.NaN;
    return act(event, async () => {
      const e = await getExperimentDetail(data(), (await extendDuration(data(), event.params.key, days, ctx())).key);
      return `Extended by ${days} ${days === 1 ? 'day' : 'days'}: it now runs ${e.durationDays} days${e.endDate ? `, until ${longDate(e.endDate)}` : ''}.`;
    });
  },
  reschedule: async (event) => {
    const week = numberField(await event.request.formData(), 'week') ?? Number.NaN;
    return act(event, async () => {
      const e = await reschedule(data(), event.params.key, { week }, ctx());
      return `Moved to week ${e.week}: it starts on ${longDate(e.startDate)}.`;
    });
  },
  promote: async ({ params, request, cookies, url }) => {
    const form = await request.formData();
    const rollout = form.get('rollout') === 'on';
    // A rollout serves the winner to everyone at once: the form asks for a second tick.
    if (rollout && form.get('confirmRollout') !== 'on') return fail(400, { error: 'Tick the confirmation to roll the winner out to everyone, or untick the rollout.' });
    const result = await attempt(() => promoteExperiment(data(), params.key, { learning: field(form, 'learning') ?? '', rollout }, uiContext()));
    if ('id' in result) {
      redirectWithFlash(cookies, url, `/playbook#entry-${result.id}`,
        rollout ? 'Promoted to the playbook and rolled out: every user now gets the winner.' : 'Promoted to the playbook.');
    }
    return result;
  },
  stopRollout: (event) => act(event, async () => {
    await setRollout(data(), event.params.key, null, ctx());
    return 'Rollout stopped: the assignment API no longer serves the winner to everyone.';
  })
};
