import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { healthOf } from '../engine/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({
    ok: z.boolean(),
    migrations: z.number().int(),
    /** Why the database is degraded: database_busy, disk_full, database_read_only, database_io_error. */
    fault: z.string().optional(),
    error: z.string().optional()
  }),
  time: z.string()
}).openapi('Health');

const healthRoute = createRoute({
  method: 'get', path: '/health', tags: ['health'],
  summary: 'Service and database status',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: healthSchema } } },
    503: { description: 'The database cannot take writes (locked by another process, disk full, read-only) or does not answer', content: { 'application/json': { schema: healthSchema } } }
  }
});

/**
 * `GET /health`: 200 `ok` when the database answers and takes writes; else 503 `degraded` with
 * the fault and a sentence: another process holds the write lock (seen twice, 50 ms apart, so a
 * commit in flight is not mistaken for it), or the last write failed for a full disk, a
 * read-only file or an I/O error and none has succeeded since. Never blocks: no busy wait.
 * The engine answers (`healthOf`: SQLite's write probe in db/sqlite/health.ts, PostgreSQL's
 * server and migrations table); this route only renders it.
 */
export function healthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(healthRoute, async (c) => {
    const time = new Date(deps.now()).toISOString();
    const health = await healthOf(deps);
    if (health.ok) return c.json({ status: 'ok' as const, database: { ok: true, migrations: health.migrations }, time }, 200);
    const { migrations, fault, error } = health;
    const database = fault === undefined ? { ok: false, migrations, error } : { ok: false, migrations, fault, error };
    return c.json({ status: 'degraded' as const, database, time }, 503);
  });
  return app;
}
