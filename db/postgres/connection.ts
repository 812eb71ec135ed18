/**
 * PostgreSQL connections: a `pg.Pool` under a Drizzle node-postgres database, and the
 * migrations of `db/postgres/migrations` applied under a session advisory lock so that replicas
 * starting together run them once, one after the other, instead of racing.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

/**
 * The key of the advisory lock held while migrating: any bigint, the same in every replica.
 * (`hashtext('weekly-experiments.migrate')` would do too; a constant is easier to spot in pg_locks.)
 */
export const MIGRATION_LOCK_KEY = 7_345_001_203;

/**
 * A pool of at most `poolSize` connections to `url` (postgres://…), with Drizzle on top.
 * Connecting is lazy: a wrong URL or a server that is down shows at the first query.
 * @example const db = openPostgres(config().databaseUrl!, { poolSize: config().databasePoolSize });
 */
export function openPostgres(url: string, options: { poolSize?: number; applicationName?: string } = {}): PgDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'weekly-experiments',
    // A connection that cannot be made in 10 s fails the request instead of queueing forever.
    connectionTimeoutMillis: 10_000
  });
  // An idle client that loses its connection (server restart, network) emits 'error' on the pool;
  // without a listener that would crash the process. The next query gets a fresh connection.
  pool.on('error', (err) => { console.error(`postgres: idle connection lost: ${err.message}`); });
  return drizzle({ client: pool, schema }) as PgDb;
}

/** Finds `db/postgres/migrations`: next to this file when run from source, else from the working directory. */
export function postgresMigrationsFolder(): string {
  const candidates = [join(dirname(fileURLToPath(import.meta.url)), 'migrations'), resolve('db/postgres/migrations')];
  const found = candidates.find((dir) => existsSync(join(dir, 'meta', '_journal.json')));
  if (!found) throw new Error(`db/postgres/migrations not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Applies every pending migration, on one connection of the pool holding the session advisory
 * lock `MIGRATION_LOCK_KEY`: a second replica starting at the same time waits on the lock, then
 * finds nothing left to do. Drizzle runs the pending migrations in one transaction and records
 * them in `drizzle.__drizzle_migrations`.
 * @example await migratePostgres(db);
 */
export async function migratePostgres(db: PgDb, options: { migrationsFolder?: string } = {}): Promise<void> {
  const migrationsFolder = options.migrationsFolder ?? postgresMigrationsFolder();
  const client = await db.$client.connect();
  let broken: Error | undefined;
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle({ client, schema }), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((err: Error) => { broken = err; });
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    // A connection whose unlock failed may still hold the lock: destroy it rather than reuse it.
    client.release(broken);
  }
}

/** Ends every connection of the pool (shutdown, tests). */
export async function closePostgres(db: PgDb): Promise<void> {
  await db.$client.end();
}
