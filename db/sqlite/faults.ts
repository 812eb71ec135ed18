/**
 * SQLite's side of the database faults (db/faults.ts): which SQLite result codes a client can
 * wait out, and the last failed write of a connection, which `/health` reports as `degraded`
 * until a write succeeds again (db/sqlite/health.ts).
 */
import type Database from 'better-sqlite3';
import { DatabaseUnavailableError, type DatabaseFault } from '../faults.ts';

/** The fault an error from SQLite stands for, or null when it is not one a client can wait out. */
export function databaseFault(err: unknown): DatabaseFault | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return { code: 'database_busy', message: 'The database is locked by another process; nothing was stored. Retry shortly.', retryAfterSeconds: 1 };
  }
  if (code === 'SQLITE_FULL') {
    return { code: 'disk_full', message: 'The database disk is full; nothing was stored. Retry once space is freed.', retryAfterSeconds: 30 };
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return { code: 'database_read_only', message: 'The database file is read-only; nothing was stored.', retryAfterSeconds: 30 };
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') {
    return { code: 'database_io_error', message: `The database could not be written (${code}); nothing was stored.`, retryAfterSeconds: 5 };
  }
  return null;
}

/** The fault behind `err`: its own, when it is already a DatabaseUnavailableError, else SQLite's code read. */
export function faultOf(err: unknown): DatabaseFault | null {
  return err instanceof DatabaseUnavailableError ? err.fault : databaseFault(err);
}

/** What a failed write is rejected with: a DatabaseUnavailableError for a fault, else the error itself. */
export function asUnavailable(err: unknown): unknown {
  const fault = databaseFault(err);
  return fault ? new DatabaseUnavailableError(fault, { cause: err }) : err;
}

type Noted = { fault: DatabaseFault; atMs: number };
const noted = new WeakMap<Database.Database, Noted>();

/** Remembers a failed write's fault for `/health` (no-op for other errors). */
export function noteWriteFailure(client: Database.Database, err: unknown, atMs = Date.now()): void {
  const fault = faultOf(err);
  if (fault) noted.set(client, { fault, atMs });
}

/** A write committed: the database takes writes again. */
export function noteWriteSuccess(client: Database.Database): void {
  noted.delete(client);
}

/** The fault of the last failed write, unless a write succeeded since. */
export function lastWriteFault(client: Database.Database): Noted | null {
  return noted.get(client) ?? null;
}
