import type Database from 'better-sqlite3';
import { exposureStoreFor } from './exposure-store.ts';
import type { GroupCommit } from './group-commit.ts';

/** One event row, in column order (a plain array: cheap to send to the writer thread). */
export type EventRow = [clientEventId: string | null, userId: string, eventName: string, value: number | null, timestampMs: number, receivedAtMs: number];

/**
 * An exposure item checked on the request's thread against the experiment config: `hashVariant`
 * is the user's assignment by hash, or `notAssigned` says why the user has none. Only the checks
 * that read the exposures table are left for the transaction.
 */
export type CheckedExposure = {
  index: number; experimentId: number; userId: string; claimedVariant?: string;
  hashVariant?: string; notAssigned?: string; atMs: number; attributesJson: string;
};
export type ExposuresOutcome = { accepted: number; duplicates: number; rejected: Array<{ index: number; error: string }> };

/** An exposure to record from `/assign`: the first one stores the variant, repeats are counted. */
export type AssignedExposure = { experimentId: number; userId: string; variant: string; atMs: number; attributesJson: string };

/** Rows per multi-row `insert ... values (...), (...)` statement. */
const rowsPerStatement = 100;
const eventColumns = 6;

const eventInserts = new WeakMap<Database.Database, Map<number, Database.Statement>>();

/** `insert ... values` with `rows` row tuples, prepared once per connection and size. */
function eventInsert(client: Database.Database, rows: number): Database.Statement {
  let bySize = eventInserts.get(client);
  if (!bySize) eventInserts.set(client, (bySize = new Map()));
  let statement = bySize.get(rows);
  if (!statement) {
    const tuples = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
    statement = client.prepare(`insert into events (client_event_id, user_id, event_name, value, timestamp_ms, received_at_ms)
      values ${tuples} on conflict (client_event_id) do nothing`);
    bySize.set(rows, statement);
  }
  return statement;
}

/**
 * The writes that the group committer runs, by name, each inside the caller's transaction.
 * They run on the writer thread's connection (`writer-worker.ts`), or in process for an
 * in-memory database. Payloads and results are plain data (structured clone).
 */
export const writeOps = {
  /** Inserts events, 100 rows per statement; an id already stored is skipped. Returns rows stored. */
  events(client: Database.Database, rows: EventRow[]): number {
    let stored = 0;
    for (let start = 0; start < rows.length; start += rowsPerStatement) {
      const chunk = rows.slice(start, start + rowsPerStatement);
      const values = new Array<unknown>(chunk.length * eventColumns);
      chunk.forEach((row, i) => { for (let c = 0; c < eventColumns; c++) values[i * eventColumns + c] = row[c]; });
      stored += eventInsert(client, chunk.length).run(values).changes;
    }
    return stored;
  },

  /**
   * Records checked exposures in order, so items of one batch see each other: the recorded
   * variant wins over the hash; a claimed variant that differs is rejected (and counted as a
   * conflict when one is recorded).
   */
  exposures(client: Database.Database, items: CheckedExposure[]): ExposuresOutcome {
    const store = exposureStoreFor(client);
    const outcome: ExposuresOutcome = { accepted: 0, duplicates: 0, rejected: [] };
    for (const item of items) {
      const recorded = store.recordedVariant(item.experimentId, item.userId);
      const variant = recorded ?? item.hashVariant;
      if (variant === undefined) { outcome.rejected.push({ index: item.index, error: item.notAssigned ?? 'not assigned' }); continue; }
      if (item.claimedVariant !== undefined && item.claimedVariant !== variant) {
        if (recorded !== undefined) store.countConflict(item.experimentId, item.userId);
        outcome.rejected.push({ index: item.index, error: `variant '${item.claimedVariant}' does not match the user's assignment '${variant}'` });
        continue;
      }
      const stored = store.record(item.experimentId, item.userId, variant, item.atMs, item.attributesJson);
      if (stored.count > 1) outcome.duplicates++; else outcome.accepted++;
    }
    return outcome;
  },

  /** Records `/assign` exposures; returns what is stored (first exposure wins) and the count. */
  assignments(client: Database.Database, records: AssignedExposure[]): Array<{ variant: string; count: number }> {
    const store = exposureStoreFor(client);
    return records.map((r) => store.record(r.experimentId, r.userId, r.variant, r.atMs, r.attributesJson));
  }
} as const;

/**
 * Whether a write runs exactly one SQL statement: up to 100 events (one multi-row insert) or
 * one `/assign` exposure (one upsert). The group commit runs those without a savepoint.
 */
function isOneStatement(op: WriteOpName, payload: unknown): boolean {
  if (op === 'events') return (payload as EventRow[]).length <= rowsPerStatement;
  if (op === 'assignments') return (payload as AssignedExposure[]).length === 1;
  return false;
}

/**
 * Queues the write `op` on `committer` (the connection's own, or the writer thread's); resolves
 * with its result once committed. The one place that pairs an op with how it is committed.
 */
export function queueWrite<K extends WriteOpName>(committer: GroupCommit, client: Database.Database, op: K, payload: WritePayload<K>): Promise<WriteResult<K>> {
  const run = writeOps[op] as (client: Database.Database, payload: WritePayload<K>) => WriteResult<K>;
  return committer.run(() => run(client, payload), { oneStatement: isOneStatement(op, payload) });
}

export type WriteOps = typeof writeOps;
export type WriteOpName = keyof WriteOps;
export type WritePayload<K extends WriteOpName> = Parameters<WriteOps[K]>[1];
export type WriteResult<K extends WriteOpName> = ReturnType<WriteOps[K]>;
