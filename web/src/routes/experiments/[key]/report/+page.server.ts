import { now } from '$calendar/clock.ts';
import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { NotFoundError } from '$calendar/errors.ts';
import { countReportView } from '$calendar/reports/index.ts';
import { restartsOf } from '$calendar/lifecycle/restarts.ts';
import { plainIssues } from '$calendar/planning/plain-issues.ts';
import { submitDecision } from './decision-input.ts';
import { data } from '$lib/server/db.ts';
import type { Actions, PageServerLoad } from './$types';

const options = z.object({
  analysis: z.enum(['sequential', 'fixed']).optional(),
  correction: z.enum(['holm', 'benjamini-hochberg', 'bonferroni', 'none']).optional(),
  segment: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional()
});

export const load: PageServerLoad = async ({ params, url }) => {
  const parsed = options.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) error(400, { message: `Invalid report options: ${plainIssues(parsed.error.issues)}`, code: 'invalid_request' });
  try {
    // Both on the analysis thread, never on the one that answers the SDKs.
    const reports = data().reports;
    const [report, segmentAttributes] = await Promise.all([reports.report(params.key, parsed.data, now()), reports.segments(params.key)]);
    await countReportView(data(), params.key);
    return { report, segmentAttributes, query: url.searchParams.toString(), restarts: await restartsOf(data(), params.key) };
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};

export const actions: Actions = {
  // Without JavaScript the form posts here; with it, DecisionForm posts JSON to ./decision.
  decision: async ({ params, request }) => {
    const values = Object.fromEntries(await request.formData());
    const result = await submitDecision(params.key, values);
    if (!result.ok) return fail(result.status, { error: result.error, values });
    return { recorded: result.recorded };
  }
};
