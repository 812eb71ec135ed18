/**
 * The engine chosen by configuration: `DATABASE_URL=postgres://…` selects PostgreSQL (a pool of
 * `DATABASE_POOL_SIZE`, migrations applied on start under an advisory lock), else the SQLite file
 * at `DATABASE_PATH`, as before. The API (api/bootstrap.ts) and the UI (web/src/lib/server/db.ts)
 * get their `Data` here, so both use one engine and, in one process, one connection or pool.
 */
import { config, type Config } from './config.ts';
import { openDatabase, type Db } from './sqlite/connection.ts';
import { sqliteData } from './sqlite/data.ts';
import { migratePostgres, openPostgres, type PgDb } from './postgres/connection.ts';
import { postgresData } from './postgres/data.ts';
import { ensureReportStore } from './postgres/report-store-schema.ts';
import type { Data } from './store/index.ts';

export type OpenedData =
  | { engine: 'sqlite'; data: Data; db: Db }
  | { engine: 'postgres'; data: Data; pg: PgDb };

// On globalThis, like db/sqlite/connection.ts's registry: the UI's bundle and the API share one pool.
const poolsKey = Symbol.for('weekly-experiments.postgres-pools');
function pools(): Map<string, PgDb> {
  const holder = globalThis as unknown as Record<symbol, Map<string, PgDb> | undefined>;
  return (holder[poolsKey] ??= new Map());
}

function postgresPool(settings: Config): PgDb {
  const url = settings.databaseUrl!;
  let db = pools().get(url);
  if (!db) pools().set(url, (db = openPostgres(url, { poolSize: settings.databasePoolSize })));
  return db;
}

/**
 * The configured engine, opened and migrated (PostgreSQL: under the migration lock, then the
 * report store's schema). `databasePath` overrides DATABASE_PATH for SQLite.
 * @example const { data } = await openData(); await data.plans.list();
 */
export async function openData(settings: Config = config(), options: { databasePath?: string } = {}): Promise<OpenedData> {
  if (settings.databaseUrl) {
    const pg = postgresPool(settings);
    await migratePostgres(pg);
    await ensureReportStore(pg.$client);
    return { engine: 'postgres', data: postgresData(pg), pg };
  }
  const db = openDatabase(options.databasePath ?? settings.databasePath);
  return { engine: 'sqlite', data: sqliteData(db), db };
}

/**
 * The configured engine's `Data` at once (the UI's page loads): the pool or connection the
 * server opened at start. SQLite opens (and migrates) the file on first use; PostgreSQL expects
 * `openData` to have migrated already.
 * @example const data = currentData(); await data.experiments.list();
 */
export function currentData(settings: Config = config()): Data {
  return settings.databaseUrl ? postgresData(postgresPool(settings)) : sqliteData(openDatabase(settings.databasePath));
}

/** Ends the PostgreSQL pool of `url` (shutdown, tests); SQLite connections close through db/sqlite/connection.ts. */
export async function closePostgresPool(url: string): Promise<void> {
  const db = pools().get(url);
  pools().delete(url);
  await db?.$client.end();
}
