/**
 * A connection of its own to a SQLite database file, for code outside db/sqlite that checks
 * what was stored behind the server's back or stands in for another process: tests (row counts
 * after a run, a second connection holding `BEGIN IMMEDIATE`, rows written as another process
 * would), the simulator's test and the e2e specs. The application itself reaches the database
 * only through the data seam (db/store) and db/sqlite's own modules; this is the one door for
 * the rest, so the driver is named here and nowhere outside db/sqlite.
 */
import Database from 'better-sqlite3';

/** A connection opened here: better-sqlite3's synchronous API (`prepare`, `exec`, `pragma`, `close`). */
export type SqliteClient = Database.Database;

/** The driver package: what the UI's server bundle must not contain (tests/e2e/one-copy.spec.ts). */
export const sqliteDriverPackage = 'better-sqlite3';

/**
 * Opens a connection to the database file at `path` (not the server's: a second one, as
 * another process would have). `readonly` for checks that must not write; the driver's busy
 * timeout is 5 s unless `busyTimeoutMs` says otherwise. Close it when done.
 * @example const db = openSqliteFile(path, { readonly: true }); const n = db.prepare('select count(*) from events').pluck().get(); db.close();
 */
export function openSqliteFile(path: string, options: { readonly?: boolean; busyTimeoutMs?: number } = {}): SqliteClient {
  const client = new Database(path, { readonly: options.readonly ?? false });
  if (options.busyTimeoutMs !== undefined) client.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  return client;
}
