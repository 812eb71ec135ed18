/**
 * One SQLite connection per database file per process. The registry sits on `globalThis` for
 * hot reload only: under `npm run dev`, Vite re-runs an edited module, and a re-run of this one
 * must not open a second connection to the same file (two writers in one process would take
 * turns on the file lock instead of sharing transactions). In production the UI and the API
 * load this one module (the build keeps db/ external, vite.config.ts).
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema.ts';
import { migrate } from './migrate.ts';
import { config } from '../config.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const registryKey = Symbol.for('weekly-experiments.databases');
type Registry = Map<string, Db>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[registryKey] ??= new Map());
}

/** The database file used when none is given: `DATABASE_PATH`, else `./data/app.db`. */
export function defaultDatabasePath(): string {
  return config().databasePath;
}

/**
 * Opens (once) and migrates the database at `path`. WAL mode, foreign keys on,
 * `synchronous = FULL` so an acknowledged commit survives power loss as well as a crash.
 * @example const db = openDatabase(':memory:');
 */
export function openDatabase(path: string = defaultDatabasePath()): Db {
  const existing = registry().get(path);
  if (existing) return existing;
  let db: Db;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const client = new Database(path);
    client.pragma('journal_mode = WAL');
    client.pragma('foreign_keys = ON');
    client.pragma('synchronous = FULL');
    // 0: a write that finds the file locked by another process fails at once instead of
    // sleeping on the request thread; the group commit waits on a timer, other writes answer 503.
    client.pragma('busy_timeout = 0');
    client.pragma('cache_size = -65536'); // 64 MiB (default 2 MiB): the exposures and events indexes stay in memory
    db = drizzle(client, { schema }) as Db;
    migrate(db);
  } catch (err) {
    // One clear line for the operator (npm start prints it), not a stack trace.
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOTDIR' || code === 'EEXIST' ? `a part of the path '${dirname(path)}' is a file, not a folder`
      : code?.startsWith('SQLITE_READONLY') ? 'the file or its folder is read-only'
      : err instanceof Error ? err.message : String(err);
    throw new Error(`cannot open the database at ${path}: ${reason} (set DATABASE_PATH to a writable file)`, { cause: err });
  }
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
