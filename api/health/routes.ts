import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseFault, lastWriteFault, type DatabaseFault } from '../../db/sqlite/faults.ts';
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

/** Whether the database takes a write now: BEGIN IMMEDIATE and ROLLBACK (busy timeout 0: never waits). */
function writeProbe(client: Database.Database): DatabaseFault | null {
  if (client.inTransaction) return null;
  try {
    client.prepare('BEGIN IMMEDIATE').run();
    client.prepare('ROLLBACK').run();
    return null;
  } catch (err) {
    return databaseFault(err) ?? { code: 'database_io_error', message: err instanceof Error ? err.message : String(err), retryAfterSeconds: 5 };
  }
}

/**
 * `GET /health`: 200 `ok` when the database answers and takes writes; else 503 `degraded` with
 * the fault and a sentence: another process holds the write lock (seen twice, 50 ms apart, so a
 * commit in flight is not mistaken for it), or the last write failed for a full disk, a
 * read-only file or an I/O error and none has succeeded since. Never blocks: no busy wait.
 */
export function healthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(healthRoute, async (c) => {
    const time = new Date(deps.now()).toISOString();
    if (deps.postgres) {
      // PostgreSQL: the server answers and the migrations are readable (writes wait on locks there; no probe needed).
      const health = await deps.postgres.health();
      return health.ok
        ? c.json({ status: 'ok' as const, database: { ok: true, migrations: health.migrations }, time }, 200)
        : c.json({ status: 'degraded' as const, database: { ok: false, migrations: 0, error: health.error }, time }, 503);
    }
    const client = deps.db.$client;
    let migrations: number;
    try {
      migrations = (client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return c.json({ status: 'degraded' as const, database: { ok: false, migrations: 0, error }, time }, 503);
    }
    let fault = writeProbe(client);
    if (fault?.code === 'database_busy') {
      await sleep(50);
      fault = writeProbe(client);
    }
    fault ??= lastWriteFault(client)?.fault ?? null;
    if (fault) return c.json({ status: 'degraded' as const, database: { ok: false, migrations, fault: fault.code, error: fault.message }, time }, 503);
    return c.json({ status: 'ok' as const, database: { ok: true, migrations }, time }, 200);
  });
  return app;
}
