import { json } from '@sveltejs/kit';
import { submitDecision } from '../decision-input.ts';
import type { RequestHandler } from './$types';

/** JSON twin of the page's form action, used by the form when JavaScript runs. */
export const POST: RequestHandler = async ({ params, request }) => {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return json({ error: { code: 'invalid_request', message: 'Body must be JSON' } }, { status: 400 });
  }
  if (typeof body !== 'object' || body === null) return json({ error: { code: 'invalid_request', message: 'Body must be a JSON object' } }, { status: 400 });
  const result = await submitDecision(params.key, body as Record<string, unknown>);
  if (!result.ok) return json({ error: { code: result.status === 400 ? 'invalid_request' : 'invalid_decision', message: result.error } }, { status: result.status });
  return json({ decision: result.recorded }, { status: 201 });
};
