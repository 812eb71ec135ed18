import { createHash } from 'node:crypto';
import type { Assignment, AssignmentReason } from '../assign/index.ts';
import { attributesSchema, limits } from '../limits/index.ts';

/** OFREP error codes (open-feature/protocol, service/openapi.yaml). */
export type OfrepErrorCode = 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'FLAG_NOT_FOUND' | 'GENERAL';

/** A request's context read into our terms, or the OFREP error that describes what is wrong. */
export type ParsedContext =
  | { ok: true; userId: string; attributes: Record<string, unknown> }
  | { ok: false; errorCode: OfrepErrorCode; errorDetails: string };

/**
 * Reads `{ "context": { "targetingKey": "...", ...attributes } }`. The targeting key is the
 * user id; the other scalar (or list) properties are attributes for targeting.
 * @example parseContext({ context: { targetingKey: 'u1', country: 'TR' } }) // { ok: true, userId: 'u1', ... }
 */
export function parseContext(body: unknown): ParsedContext {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errorCode: 'PARSE_ERROR', errorDetails: 'the body must be a JSON object with a "context"' };
  }
  const context = (body as { context?: unknown }).context;
  if (context === undefined || context === null) {
    return { ok: false, errorCode: 'TARGETING_KEY_MISSING', errorDetails: 'context.targetingKey (the user id) is required' };
  }
  if (typeof context !== 'object' || Array.isArray(context)) {
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be an object' };
  }
  const { targetingKey, ...rest } = context as Record<string, unknown>;
  if (targetingKey === undefined || targetingKey === null || targetingKey === '') {
    return { ok: false, errorCode: 'TARGETING_KEY_MISSING', errorDetails: 'context.targetingKey (the user id) is required' };
  }
  if (typeof targetingKey !== 'string' || targetingKey.length > limits.userIdChars) {
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: `context.targetingKey must be a string of at most ${limits.userIdChars} characters` };
  }
  const parsed = attributesSchema.safeParse(rest);
  if (!parsed.success) {
    return { ok: false, errorCode: 'INVALID_CONTEXT', errorDetails: parsed.error.issues.map((i) => `context.${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return { ok: true, userId: targetingKey, attributes: parsed.data };
}

const reasons: Record<AssignmentReason, string> = {
  split: 'SPLIT', sticky: 'SPLIT', forced: 'TARGETING_MATCH', rollout: 'STATIC',
  not_started: 'DISABLED', stopped: 'DISABLED', concluded: 'DISABLED',
  targeting: 'DEFAULT', layer: 'DEFAULT', coverage: 'DEFAULT', holdout: 'DEFAULT', single_variant: 'DEFAULT',
  missing_user_id: 'ERROR', not_found: 'ERROR'
};

/** An assignment as an OFREP evaluation: the value and the variant are the variant key. */
export function toEvaluation(key: string, a: Assignment) {
  return {
    key, value: a.variant ?? '', variant: a.variant ?? '', reason: reasons[a.reason],
    metadata: {
      inExperiment: a.inExperiment, assignmentReason: a.reason,
      ...(a.bucket === null ? {} : { bucket: a.bucket })
    }
  };
}

/** A strong ETag for a bulk response body. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}
