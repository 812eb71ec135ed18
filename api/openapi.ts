import type { z } from '@hono/zod-openapi';

/** The `content` of an OpenAPI request or response body: JSON described by `schema`. */
export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
