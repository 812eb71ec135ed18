import { fail } from '@sveltejs/kit';
import { createMetric, createMetricInput } from '$calendar/metrics/index.ts';
import { metricsWithUsage } from '$calendar/metrics/usage.ts';
import { parseInput } from '$calendar/planning/parse.ts';
import { DomainError, httpStatusOf } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';
import { uiContext } from '$lib/server/actions.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import { MetricFieldError, metricFields, readMetricForm } from '$lib/server/metric-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ metrics: await metricsWithUsage(data()) });

export const actions: Actions = {
  create: async ({ request, cookies, url }) => {
    const values = readMetricForm(await request.formData());
    let key: string;
    try {
      // Parsed here as well as in createMetric, so a bad field reads as a sentence, not a zod path.
      const input = parseInput(createMetricInput, { key: values.key, ...metricFields(values) });
      key = (await createMetric(data(), input, uiContext())).key;
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message, field: err instanceof MetricFieldError ? err.field : null, values });
      throw err;
    }
    redirectWithFlash(cookies, url, `/metrics/${encodeURIComponent(key)}`, `Metric ${key} created: experiments can now use it.`);
  }
};
