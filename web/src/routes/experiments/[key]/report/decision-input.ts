import { now } from '$calendar/clock.ts';
import { z } from 'zod';
import { decisionOutcomes, recordDecision, type RecordedDecision } from '$calendar/reports/index.ts';
import { DomainError, httpStatusOf } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';
import { plainIssues } from '$calendar/planning/plain-issues.ts';

/** The reviewer's form, as the page posts it (form fields or the same names in JSON). */
export const decisionForm = z.object({
  finalDecision: z.enum(decisionOutcomes),
  winningVariantKey: z.string().trim().max(100).optional().transform((v) => v || null),
  rationale: z.string().trim().min(1, { message: 'Write a rationale.' }).max(5000),
  decidedBy: z.string().trim().min(1, { message: 'Say who decides.' }).max(200),
  acknowledgeSrm: z.union([z.literal('on'), z.boolean()]).optional().transform((v) => v === 'on' || v === true)
});

export type DecisionOutcomeResult = { ok: true; recorded: RecordedDecision } | { ok: false; status: 400 | 403 | 404 | 409 | 422; error: string };

/** Validates and records a reviewer decision; domain errors become a status and a sentence. */
export async function submitDecision(key: string, input: Record<string, unknown>): Promise<DecisionOutcomeResult> {
  const parsed = decisionForm.safeParse(input);
  if (!parsed.success) return { ok: false, status: 400, error: plainIssues(parsed.error.issues) };
  try {
    const nowMs = now();
    const report = await data().reports.report(key, {}, nowMs); // on the analysis thread
    const { recorded } = await recordDecision(data(), key, { ...parsed.data, actor: `web:${parsed.data.decidedBy}` }, nowMs, report);
    return { ok: true, recorded };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { ok: false, status: httpStatusOf(err), error: err.message };
  }
}
