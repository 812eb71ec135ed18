/**
 * SQLite's answer to `/health` (api/health/routes.ts): the migrations table answers, and a write
 * probe (BEGIN IMMEDIATE and ROLLBACK; the connection's busy timeout is 0, so it never waits)
 * finds the write lock free, and the last write did not fail for a full disk, a read-only file
 * or an I/O error without a write succeeding since.
 */
import type Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseFault, DatabaseHealth } from '../faults.ts';
import { databaseFault, lastWriteFault } from './faults.ts';

/** Whether the database takes a write now: BEGIN IMMEDIATE and ROLLBACK (busy timeout 0: never waits). */
function writeProbe(client: Database.Database): DatabaseFault | null {
  if (client.inTransaction) return null;
  try {
    client.prepare('BEGIN IMMEDIATE').run();
    client.prepare('ROLLBACK').run();
    return null;
  } catch (err) {
    return databaseFault(err) ?? { code: 'database_io_error', message: err instanceof Error ? err.message : String(err), retryAfterSeconds: 5 };
  }
}

/**
 * The health of the database on `client`. Another process holding the write lock counts only
 * when seen twice, 50 ms apart, so a commit in flight is not mistaken for it. Never blocks.
 * @example const health = await sqliteHealth(db.$client); // { ok: true, migrations: 8 }
 */
export async function sqliteHealth(client: Database.Database): Promise<DatabaseHealth> {
  let migrations: number;
  try {
    migrations = (client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
  } catch (err) {
    return { ok: false, migrations: 0, error: err instanceof Error ? err.message : String(err) };
  }
  let fault = writeProbe(client);
  if (fault?.code === 'database_busy') {
    await sleep(50);
    fault = writeProbe(client);
  }
  fault ??= lastWriteFault(client)?.fault ?? null;
  return fault ? { ok: false, migrations, fault: fault.code, error: fault.message } : { ok: true, migrations };
}
