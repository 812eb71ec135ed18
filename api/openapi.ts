import type { z } from '@hono/zod-openapi';
import { errorSchema } from './experiments/schemas.ts';

/** The `content` of an OpenAPI request or response body: JSON described by `schema`. */
export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const errorDescriptions = {
  400: 'Invalid request', 401: 'Missing or invalid API key', 403: 'Not allowed (e.g. not an admin key)', 404: 'Not found',
  409: 'Not allowed in the current state', 422: 'Invalid for the domain'
};
type ErrorResponse = { description: string; content: { 'application/json': { schema: typeof errorSchema } } };

/**
 * The error responses of a route, for the OpenAPI document: the one error body per status.
 * @example responses: { 200: { ... }, ...errorResponses(400, 404, 409) }
 */
export function errorResponses<S extends keyof typeof errorDescriptions>(...statuses: S[]): Record<S, ErrorResponse> {
  return Object.fromEntries(statuses.map((s) => [s, { description: errorDescriptions[s], content: json(errorSchema) }])) as Record<S, ErrorResponse>;
}
