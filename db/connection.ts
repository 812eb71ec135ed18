/**
 * One SQLite connection per database file per process, shared through `globalThis` so the
 * Hono app and the bundled SvelteKit app (a second copy of this module) use the same one.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema.ts';
import { migrate } from './migrate.ts';
import { attachReportStore } from './queries/report-store-schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const registryKey = Symbol.for('weekly-experiments.databases');
type Registry = Map<string, Db>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[registryKey] ??= new Map());
}

/** The database file used when none is given: `DATABASE_PATH`, else `./data/app.db`. */
export function defaultDatabasePath(): string {
  return resolve(process.env.DATABASE_PATH ?? 'data/app.db');
}

/**
 * Opens (once) and migrates the database at `path`. WAL mode, foreign keys on,
 * `synchronous = FULL` so an acknowledged commit survives power loss as well as a crash.
 * @example const db = openDatabase(':memory:');
 */
export function openDatabase(path: string = defaultDatabasePath()): Db {
  const existing = registry().get(path);
  if (existing) return existing;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  client.pragma('synchronous = FULL');
  client.pragma('busy_timeout = 5000');
  client.pragma('cache_size = -65536'); // 64 MiB (default 2 MiB): the exposures and events indexes stay in memory
  const db = drizzle(client, { schema }) as Db;
  migrate(db);
  attachReportStore(client, path);
  registry().set(path, db);
  return db;
}

/** Closes and forgets the connection for `path` (tests, shutdown). */
export function closeDatabase(path: string = defaultDatabasePath()): void {
  const db = registry().get(path);
  if (!db) return;
  registry().delete(path);
  db.$client.close();
}
