import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { actorOf } from '../auth/index.ts';
import { errorSchema, experimentKeySchema } from '../experiments/schemas.ts';

/** Shared bits of the management routes (plans, ideas, playbook, experiments). */
import { json } from '../openapi.ts';

export { json };

/** The one error body (`{ error: { code, message } }`), the `Error` component of the OpenAPI document. */
export const errorBody = errorSchema;

const errorDescriptions = {
  400: 'Invalid request', 401: 'Missing or invalid API key', 403: 'Not allowed (e.g. not an admin key)', 404: 'Not found',
  409: 'Not allowed in the current state', 422: 'Invalid for the domain'
};
type ErrorResponse = { description: string; content: { 'application/json': { schema: typeof errorBody } } };

/**
 * The error responses of a route, for the OpenAPI document.
 * @example responses: { 200: { ... }, ...errors(400, 404, 409) }
 */
export function errors<S extends keyof typeof errorDescriptions>(...statuses: S[]): Record<S, ErrorResponse> {
  return Object.fromEntries(statuses.map((s) => [s, { description: errorDescriptions[s], content: json(errorBody) }])) as Record<S, ErrorResponse>;
}

export const idParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' } }) });
export const keyParam = z.object({ key: experimentKeySchema.openapi({ param: { name: 'key', in: 'path' } }) });

/** Who is acting, for the audit log: `key:<name>` of the API key. */
export function actor(c: Context): string {
  return actorOf(c.var.principal);
}

/** A permissive schema for the domain's rich JSON answers (documented by example, not field by field). */
export const anyObject = z.record(z.string(), z.unknown());
