/**
 * Database faults a client can wait out, named: another process holds the write lock, the
 * disk is full, the file is read-only, or an I/O error. The API answers them with 503, a JSON
 * error naming the cause and `Retry-After`; `/health` reports the latest one as `degraded`
 * until a write succeeds again. Anything else is a bug and stays a 500. Engine-neutral: each
 * engine reads its own error codes into a `DatabaseFault` (SQLite: db/sqlite/faults.ts,
 * PostgreSQL: db/postgres/ingest.ts).
 */

export type DatabaseFault = {
  code: 'database_busy' | 'disk_full' | 'database_read_only' | 'database_io_error';
  message: string;
  retryAfterSeconds: number;
};

/** An error the API renders as 503 with `Retry-After` (see api/errors.ts). */
export class DatabaseUnavailableError extends Error {
  readonly fault: DatabaseFault;
  constructor(fault: DatabaseFault, options?: { cause?: unknown }) {
    super(fault.message, options);
    this.name = 'DatabaseUnavailableError';
    this.fault = fault;
  }
}

/**
 * What `/health` reports of the database: whether it answers and takes writes, its applied
 * migrations, and, when not, the fault (`database_busy`, `disk_full`, …) or the error.
 */
export type DatabaseHealth =
  | { ok: true; migrations: number }
  | { ok: false; migrations: number; fault?: DatabaseFault['code']; error: string };
