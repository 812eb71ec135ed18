import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ ok: z.boolean(), migrations: z.number().int(), error: z.string().optional() }),
  time: z.string()
}).openapi('Health');

const healthRoute = createRoute({
  method: 'get', path: '/health', tags: ['health'],
  summary: 'Service and database status',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: healthSchema } } },
    503: { description: 'The database does not answer', content: { 'application/json': { schema: healthSchema } } }
  }
});

/** `GET /health`: 200 when a query against the database succeeds, else 503. */
export function healthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(healthRoute, (c) => {
    const time = new Date(deps.now()).toISOString();
    try {
      const row = deps.db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
      return c.json({ status: 'ok' as const, database: { ok: true, migrations: row.n }, time }, 200);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return c.json({ status: 'degraded' as const, database: { ok: false, migrations: 0, error }, time }, 503);
    }
  });
  return app;
}
