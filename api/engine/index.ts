/**
 * What the API's hot paths need from the engine, chosen at start (api/bootstrap.ts). SQLite:
 * the connection `deps.db` (its group-committing writer, config cache and synchronous key
 * check, unchanged). PostgreSQL (`DATABASE_URL`): `deps.postgres`, whose parts are async; the
 * routes await them, and the fast paths in front of Hono (api/listener.ts) stay off.
 */
import type pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Data, IngestWriter } from '../../db/store/index.ts';
import type { DatabaseHealth } from '../../db/faults.ts';
import { sqliteHealth } from '../../db/sqlite/health.ts';
import type { PgDb } from '../../db/postgres/connection.ts';
import { postgresIngestWriter } from '../../db/postgres/ingest.ts';
import type { AppDeps } from '../deps.ts';
import { sqliteIngestWriter } from '../../db/sqlite/ingest/ingest-writer.ts';
import { ExperimentConfigCache } from '../assign/config-cache.ts';
import { sqliteAssignConfigs } from '../../db/sqlite/assign-configs.ts';
import type { Db } from '../../db/sqlite/connection.ts';
import type { ExperimentConfig } from '../assign/evaluate.ts';
import { verifyApiKey, type Principal } from '../auth/keys.ts';
import { PostgresConfigCache } from './postgres-configs.ts';
import { verifyApiKeyOn } from './postgres-keys.ts';

export { PostgresConfigCache } from './postgres-configs.ts';
export { verifyApiKeyOn } from './postgres-keys.ts';
export { faultOf, noteFault } from './faults.ts';

/** The hot paths' engine on PostgreSQL. */
export type PostgresHotPaths = {
  pool: pg.Pool;
  ingest: IngestWriter;
  configs: PostgresConfigCache;
  verifyKey(presented: string, nowMs: number): Promise<Principal | null>;
  /** Applied migrations, or the error when the database does not answer. */
  health(): Promise<{ ok: true; migrations: number } | { ok: false; error: string }>;
};

/**
 * The hot paths of a PostgreSQL pool (one per pool).
 * @example const deps = { data, db: notOnPostgres, now, postgres: postgresHotPaths(pg, data) };
 */
export function postgresHotPaths(db: PgDb, data: Data): PostgresHotPaths {
  const holder = db.$client as unknown as { [hotKey]?: PostgresHotPaths };
  return (holder[hotKey] ??= {
    pool: db.$client,
    ingest: postgresIngestWriter(db.$client),
    configs: new PostgresConfigCache(db.$client),
    verifyKey: (presented, nowMs) => verifyApiKeyOn(data, presented, nowMs),
    async health() {
      try {
        const result = await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
        return { ok: true, migrations: result.rows[0]?.n ?? 0 };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    }
  });
}
const hotKey = Symbol.for('weekly-experiments.postgres-hot-paths');

/**
 * The database's health on the app's engine (`/health`): SQLite probes the write lock and
 * remembers the last failed write (db/sqlite/health.ts); PostgreSQL asks the server.
 * @example const health = await healthOf(deps); // { ok: false, migrations: 8, fault: 'database_busy', error: '…' }
 */
export async function healthOf(deps: AppDeps): Promise<DatabaseHealth> {
  if (!deps.postgres) return sqliteHealth(deps.db.$client);
  // PostgreSQL: the server answers and the migrations are readable (writes wait on locks there; no probe needed).
  const health = await deps.postgres.health();
  return health.ok ? health : { ok: false, migrations: 0, error: health.error };
}

/** The ingest writer of the app's engine. */
export function ingestOf(deps: AppDeps): IngestWriter {
  return deps.postgres?.ingest ?? sqliteIngestWriter(deps.db);
}

const sqliteCaches = new WeakMap<object, ExperimentConfigCache>();

/**
 * The one assignment config cache of a SQLite connection, over its synchronous config source
 * (db/sqlite/assign-configs.ts): what the fast paths read without awaiting.
 * @example sqliteConfigCache(deps.db).get('w01-onboarding-ebook-reminder')?.status // 'running'
 */
export function sqliteConfigCache(db: Db): ExperimentConfigCache {
  let cache = sqliteCaches.get(db.$client);
  if (!cache) sqliteCaches.set(db.$client, (cache = new ExperimentConfigCache(sqliteAssignConfigs(db.$client))));
  return cache;
}

/** The assignment configs of the app's engine, fresh for this request (PostgreSQL: reloaded when stale). */
export async function configsOf(deps: AppDeps): Promise<{ get(key: string): ExperimentConfig | undefined; active(): readonly ExperimentConfig[] }> {
  if (!deps.postgres) return sqliteConfigCache(deps.db);
  await deps.postgres.configs.fresh();
  return deps.postgres.configs;
}

/**
 * What `deps.db` is on PostgreSQL: any use names the SQLite-only code that reached it, instead
 * of a TypeError deep inside.
 */
export const sqliteOnly = new Proxy({}, {
  get(_target, property) {
    throw new Error(`deps.db.${String(property)}: this code path is SQLite-only and the server runs on PostgreSQL (DATABASE_URL)`);
  }
}) as AppDeps['db'];

/**
 * The principal of a presented key on the app's engine (SQLite: the synchronous, cached check of
 * api/auth; PostgreSQL: the key store), for routes that check keys themselves (the SDK payload, CORS).
 * @example const principal = await verifyKeyOf(deps, key);
 */
export async function verifyKeyOf(deps: AppDeps, presented: string): Promise<Principal | null> {
  if (presented.length > 200) return null;
  return deps.postgres ? deps.postgres.verifyKey(presented, deps.now()) : verifyApiKey(deps.db, presented, deps.now());
}
