import { error, fail } from '@sveltejs/kit';
import { channels } from '$calendar/model.ts';
import { getPlan } from '$calendar/plans/index.ts';
import { createPlannedExperiment, planningMetrics } from '$calendar/planning/index.ts';
import { DomainError, httpStatusOf, NotFoundError } from '$calendar/errors.ts';
import { blankValues } from '$lib/components/plan/editor-values.ts';
import { data } from '$lib/server/db.ts';
import { uiContext } from '$lib/server/actions.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import { FormFieldError, readEditorForm, toPlannedInput } from '$lib/server/experiment-form.ts';
import type { Actions, PageServerLoad } from './$types';

async function planOf(rawId: string) {
  try {
    return await getPlan(data(), Number(rawId));
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
}

export const load: PageServerLoad = async ({ params }) => {
  const plan = await planOf(params.id);
  const week = Number(params.week);
  if (!Number.isInteger(week) || week < 1 || week > plan.weeks) error(404, { message: `plan ${plan.id} has no week ${params.week}`, code: 'not_found' });
  return { plan, initial: blankValues(week, plan.owner), metrics: await planningMetrics(data()), channels };
};

export const actions: Actions = {
  default: async ({ params, request, cookies, url }) => {
    const plan = await planOf(params.id);
    const values = readEditorForm(await request.formData());
    let key: string;
    try {
      key = (await createPlannedExperiment(data(), plan.id, toPlannedInput(values), uiContext())).key;
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message, field: err instanceof FormFieldError ? err.field : null, values });
      throw err;
    }
    redirectWithFlash(cookies, url, `/experiments/${key}`, `Draft experiment created in week ${values.week}: schedule it, or accept the plan.`);
  }
};
