/**
 * Database faults as the API meets them, whatever the engine: what a thrown error stands for
 * (SQLite's result codes, read in db/sqlite/faults.ts; PostgreSQL's writer already throws
 * `DatabaseUnavailableError`), and noting a failed write for `/health` (SQLite keeps the last
 * one per connection; PostgreSQL's `/health` asks the server instead).
 */
import type { DatabaseFault } from '../../db/faults.ts';
import { faultOf as sqliteFaultOf, noteWriteFailure } from '../../db/sqlite/faults.ts';
import type { AppDeps } from '../deps.ts';

/** The fault behind `err` (a client can wait it out: 503), or null for any other error. */
export function faultOf(err: unknown): DatabaseFault | null {
  return sqliteFaultOf(err);
}

/**
 * Tells `/health` about a failed write (no-op for errors that are not faults, and on PostgreSQL).
 * @example noteFault(deps, err); // then GET /health answers 503 degraded until a write succeeds
 */
export function noteFault(deps: AppDeps, err: unknown): void {
  if (!deps.postgres) noteWriteFailure(deps.db.$client, err);
}
