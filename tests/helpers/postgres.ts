/**
 * PostgreSQL for tests: `postgresDatabase()` gives the URL of a fresh, empty database on a
 * throwaway server started for this test run (see tests/postgres/global-setup.ts), or on the
 * server of TEST_DATABASE_URL. Migrate it yourself (`migratePostgres`) or use
 * `migratedPostgres()`.
 * @example const db = await migratedPostgres(); afterAll(() => closePostgres(db));
 */
import { inject } from 'vitest';
import { createDatabase, databaseUrl, startCluster, type Cluster } from '../postgres/cluster.ts';
import { migratePostgres, openPostgres, type PgDb } from '../../db/postgres/connection.ts';
import type {} from '../postgres/global-setup.ts'; // ProvidedContext['postgresManager']

let own: Promise<Cluster> | null = null;
let ownCount = 0;

/** The URL of a new, empty database. */
export async function postgresDatabase(): Promise<string> {
  const manager = inject('postgresManager');
  if (manager) {
    const res = await fetch(`${manager}/database`, { method: 'POST' });
    const body = await res.json() as { url?: string; error?: string };
    if (!res.ok || !body.url) throw new Error(body.error ?? `postgres test manager answered ${res.status}`);
    return body.url;
  }
  // Run without the repository's vitest config (no global setup): a cluster for this process,
  // stopped by its watchdog when the process exits.
  const cluster = await (own ??= startCluster());
  const name = `test_${process.pid}_${++ownCount}`;
  await createDatabase(cluster.adminUrl, name);
  return databaseUrl(cluster.adminUrl, name);
}

/** A new database with every migration applied, behind a pool of `poolSize` (default 4). */
export async function migratedPostgres(options: { poolSize?: number } = {}): Promise<PgDb> {
  const db = openPostgres(await postgresDatabase(), { poolSize: options.poolSize ?? 4 });
  await migratePostgres(db);
  return db;
}
