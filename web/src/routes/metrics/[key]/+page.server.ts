import { error, fail } from '@sveltejs/kit';
import { metricWithUsage } from '$calendar/metrics/usage.ts';
import { updateMetric, updateMetricInput } from '$calendar/reports/index.ts';
import { parseInput } from '$calendar/planning/parse.ts';
import { DomainError, httpStatusOf, NotFoundError } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';
import { uiContext } from '$lib/server/actions.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import { MetricFieldError, metricFields, metricFormValues, readMetricForm } from '$lib/server/metric-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
  try {
    const metric = await metricWithUsage(data(), params.key);
    return { metric, values: metricFormValues(metric) };
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};

export const actions: Actions = {
  save: async ({ params, request, cookies, url }) => {
    const values = { ...readMetricForm(await request.formData()), key: params.key };
    try {
      await updateMetric(data(), params.key, parseInput(updateMetricInput, metricFields(values)), uiContext());
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message, field: err instanceof MetricFieldError ? err.field : null, values });
      throw err;
    }
    redirectWithFlash(cookies, url, `/metrics/${encodeURIComponent(params.key)}`, 'Metric saved: the next report uses the new definition.');
  }
};
