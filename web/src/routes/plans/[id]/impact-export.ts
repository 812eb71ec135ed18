import { error } from '@sveltejs/kit';
import { now } from '$calendar/clock.ts';
import { impactToCsv, impactToMarkdown, programImpact } from '$calendar/plans/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';

/**
 * The plan page's program impact export links (the key-protected API serves the same at
 * /api/v1/plans/{id}/impact, impact.md and impact.csv).
 */
export async function exportImpact(rawId: string, format: 'md' | 'csv' | 'json'): Promise<Response> {
  const id = Number(rawId);
  if (!Number.isInteger(id) || id < 1) error(404, { message: `no plan '${rawId}'`, code: 'not_found' });
  let impact;
  try {
    impact = await programImpact(data(), id, now());
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
  const body = format === 'md' ? impactToMarkdown(impact, { level: 1 }) : format === 'csv' ? impactToCsv(impact) : JSON.stringify(impact, null, 2);
  const type = { md: 'text/markdown', csv: 'text/csv', json: 'application/json' }[format];
  return new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, 'content-disposition': `inline; filename="plan-${id}-impact.${format}"` } });
}
