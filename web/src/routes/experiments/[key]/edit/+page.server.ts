import { error, fail } from '@sveltejs/kit';
import { channels } from '$calendar/model.ts';
import { getExperimentDetail } from '$calendar/experiments/index.ts';
import { getPlan } from '$calendar/plans/index.ts';
import { planningMetrics, trafficShareOf, updatePlannedExperiment } from '$calendar/planning/index.ts';
import { DomainError, httpStatusOf, NotFoundError } from '$calendar/errors.ts';
import { valuesOf } from '$lib/components/plan/editor-values.ts';
import { data } from '$lib/server/db.ts';
import { uiContext } from '$lib/server/actions.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import { FormFieldError, readEditorForm, toPlannedInput } from '$lib/server/experiment-form.ts';
import type { Actions, PageServerLoad } from './$types';

async function load_(key: string) {
  try {
    const experiment = await getExperimentDetail(data(), key);
    if (experiment.planId === null) error(404, { message: `experiment '${key}' belongs to no plan`, code: 'not_found' });
    return { experiment, plan: await getPlan(data(), experiment.planId) };
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
}

export const load: PageServerLoad = async ({ params }) => {
  const { experiment, plan } = await load_(params.key);
  // The live power check counts only this test's share of the users, as the server's does.
  const trafficShare = trafficShareOf(experiment, plan.holdoutShare);
  return { experiment: { key: experiment.key, name: experiment.name, status: experiment.status, registered: experiment.registration !== null, trafficShare }, plan, initial: valuesOf(experiment), metrics: await planningMetrics(data()), channels };
};

export const actions: Actions = {
  default: async ({ params, request, cookies, url }) => {
    const form = await request.formData();
    const values = readEditorForm(form);
    try {
      await updatePlannedExperiment(data(), params.key, toPlannedInput(values), { ...uiContext(), confirmVariantChange: form.get('confirmVariantChange') === 'on' });
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message, field: err instanceof FormFieldError ? err.field : null, values });
      throw err;
    }
    redirectWithFlash(cookies, url, `/experiments/${params.key}`, 'Saved.');
  }
};
