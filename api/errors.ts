import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { DomainError, httpStatusOf } from '../calendar/errors.ts';
import { faultOf, noteFault } from './engine/faults.ts';
import type { AppDeps } from './deps.ts';

/** The one error body every API response uses. */
export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/** An HTTP error with a machine-readable code; thrown anywhere, rendered by `onError`. */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly details: unknown;
  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(status, { message });
    this.code = code;
    this.details = details;
  }
}

function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * A database fault a client can wait out (locked by another process, disk full, read-only
 * file, I/O error) as the 503 answer: JSON naming the cause and `Retry-After` in seconds.
 * Null for any other error. Used by `onError` and by the fast paths.
 */
export function faultAnswer(err: unknown): { status: 503; body: ErrorBody; retryAfterSeconds: number } | null {
  const fault = faultOf(err);
  return fault ? { status: 503, body: body(fault.code, fault.message), retryAfterSeconds: fault.retryAfterSeconds } : null;
}

/** `onError` for an app on `deps`: also tells `/health` about a database fault. */
export function errorHandler(deps: AppDeps): (err: Error, c: Context) => Response {
  return (err, c) => {
    noteFault(deps, err);
    return onError(err, c);
  };
}

/** Renders any thrown error as JSON; unknown errors are logged and become a generic 500. */
export function onError(err: Error, c: Context): Response {
  const fault = faultAnswer(err);
  if (fault) {
    c.header('retry-after', String(fault.retryAfterSeconds));
    return c.json(fault.body, fault.status);
  }
  if (err instanceof ApiError) return c.json(body(err.code, err.message, err.details), err.status);
  if (err instanceof DomainError) return c.json(body(err.code, err.message), httpStatusOf(err));
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    // Hono's body-limit and JSON parsing raise HTTPException with a plain message.
    const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'bad_request';
    return c.json(body(code, err.message || 'Bad request'), status);
  }
  console.error('unhandled error', c.req.method, c.req.path, err);
  return c.json(body('internal_error', 'Internal server error'), 500);
}

/** JSON 404 for paths no route matches. */
export function onNotFound(c: Context): Response {
  return c.json(body('not_found', `No route for ${c.req.method} ${c.req.path}`), 404);
}

/** Turns a zod error into one readable sentence: "userId: Required; events.3.value: ...". */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}

/** Validation hook for `@hono/zod-openapi`: a 400 with what was wrong, per field. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
  c: Context
): Response | undefined {
  if (result.success) return undefined;
  const where = result.target === 'json' ? 'body' : result.target ?? 'request';
  return c.json(body('invalid_request', `Invalid ${where}: ${describeZodError(result.error)}`,
    result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))), 400);
}
