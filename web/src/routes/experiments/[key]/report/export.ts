import { now } from '$calendar/clock.ts';
import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { reportToCsv, reportToMarkdown } from '$calendar/reports/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';
import { plainIssues } from '$calendar/planning/plain-issues.ts';

const options = z.object({
  analysis: z.enum(['sequential', 'fixed']).optional(),
  correction: z.enum(['holm', 'benjamini-hochberg', 'bonferroni', 'none']).optional(),
  segment: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional()
});

/**
 * The page's export links (same data and trust as the page itself; the key-protected API
 * serves the same exports at /api/v1/experiments/{key}/results.md|.csv).
 */
export async function exportReport(key: string, url: URL, format: 'md' | 'csv' | 'json'): Promise<Response> {
  const parsed = options.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) error(400, { message: `Invalid report options: ${plainIssues(parsed.error.issues)}`, code: 'invalid_request' });
  let report;
  try {
    report = await data().reports.report(key, parsed.data, now());
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
  const body = format === 'md' ? reportToMarkdown(report) : format === 'csv' ? reportToCsv(report) : JSON.stringify(report, null, 2);
  const type = { md: 'text/markdown', csv: 'text/csv', json: 'application/json' }[format];
  return new Response(body, {
    headers: { 'content-type': `${type}; charset=utf-8`, 'content-disposition': `inline; filename="${key}-results.${format}"` }
  });
}
