import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { actorOf } from '../auth/index.ts';
import { errorSchema, experimentKeySchema } from '../experiments/schemas.ts';

import { errorResponses, json } from '../openapi.ts';

/** Shared bits of the management routes (plans, ideas, playbook, experiments). */
export { json, errorResponses as errors };

/** The one error body (`{ error: { code, message } }`), the `Error` component of the OpenAPI document. */
export const errorBody = errorSchema;

export const idParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' } }) });
export const keyParam = z.object({ key: experimentKeySchema.openapi({ param: { name: 'key', in: 'path' } }) });

/** Who is acting, for the audit log: `key:<name>` of the API key. */
export function actor(c: Context): string {
  return actorOf(c.var.principal);
}

/** A permissive schema for the domain's rich JSON answers (documented by example, not field by field). */
export const anyObject = z.record(z.string(), z.unknown());
