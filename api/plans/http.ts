import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';

/** Shared bits of the planning routes (plans, ideas, playbook). */
export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
});

const errorDescriptions = { 400: 'Invalid request', 403: 'Not allowed', 404: 'Not found', 409: 'Not allowed in the current state', 422: 'Invalid for the domain' };
type ErrorResponse = { description: string; content: { 'application/json': { schema: typeof errorBody } } };

/** The error responses of a route, for the OpenAPI document. */
export function errors<S extends keyof typeof errorDescriptions>(...statuses: S[]): Record<S, ErrorResponse> {
  return Object.fromEntries(statuses.map((s) => [s, { description: errorDescriptions[s], content: json(errorBody) }])) as Record<S, ErrorResponse>;
}

export const idParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' } }) });
export const keyParam = z.object({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'not an experiment key').openapi({ param: { name: 'key', in: 'path' } })
});

/** Who is acting, for the audit log: the API key's name once auth runs, else `api`. */
export function actor(c: Context): string {
  const principal = (c.var as Record<string, unknown>).principal as { name?: string } | undefined;
  return principal?.name ? `key:${principal.name}` : 'api';
}

/** A permissive schema for the domain's rich JSON answers (documented by example, not field by field). */
export const anyObject = z.record(z.string(), z.unknown());
