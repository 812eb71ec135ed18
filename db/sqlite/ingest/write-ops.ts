/**
 * The ingest writes of the SQLite engine. The event-id rule, which every engine's writer follows
 * (the PostgreSQL writer too):
 *
 * - A client event id is unique per user: the key is `(user_id, client_event_id)` (unique index
 *   `events_user_client_event_id`). The same id sent for another user is another event, so an sdk
 *   key holder cannot suppress other users' events by guessing their ids.
 * - A repeat of a stored `(user_id, client_event_id)` with the same content (event name, value and
 *   timestamp; the receive time does not count) is a retry: not stored again, counted in
 *   `duplicates`.
 * - A repeat with different content is a conflict: not stored, and reported for that item in
 *   `rejected` ("id: event id '…' was already used for a different event of this user"), never counted
 *   as a duplicate. The first stored version wins, also inside one batch (items are taken in order).
 * - Events without an id are always stored.
 */
import type Database from 'better-sqlite3';
import { exposureStoreFor } from './exposure-store.ts';
import type { GroupCommit } from './group-commit.ts';
import type { PlanExposure } from '../../store/ingest.ts';

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
/** Events stored now, and the positions (in the rows written) of repeats of an id with other content. */
export type EventsOutcome = { stored: number; conflicts: number[] };

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
      values ${tuples} on conflict (user_id, client_event_id) do nothing`);
    bySize.set(rows, statement);
  }
  return statement;
}

const bindings = new Map<number, unknown[]>();

/**
 * The parameter list for a `rows`-row insert, one per size, reused: `run` binds the values before
 * it returns, and a 600-slot array per 100-event request was garbage for the collector.
 */
function bindingsFor(rows: number): unknown[] {
  let values = bindings.get(rows);
  if (!values) bindings.set(rows, (values = new Array<unknown>(rows * eventColumns)));
  return values;
}

/**
 * The writes that the group committer runs, by name, each inside the caller's transaction.
 * They run on the writer thread's connection (`writer-worker.ts`), or in process for an
 * in-memory database. Payloads and results are plain data (structured clone).
 */
export const writeOps = {
  /**
   * Inserts events, 100 rows per statement; a `(user, id)` already stored is skipped. When rows
   * were skipped, each row with an id is compared with the stored one: other content is a conflict.
   */
  events(client: Database.Database, rows: EventRow[]): EventsOutcome {
    let stored = 0;
    for (let start = 0; start < rows.length; start += rowsPerStatement) {
      const end = Math.min(rows.length, start + rowsPerStatement);
      const values = bindingsFor(end - start);
      for (let r = start, v = 0; r < end; r++) {
        const row = rows[r]!;
        for (let c = 0; c < eventColumns; c++) values[v++] = row[c];
      }
      stored += eventInsert(client, end - start).run(values).changes;
    }
    // All stored (the usual case): no repeat, nothing to compare.
    return { stored, conflicts: stored === rows.length ? [] : conflictingRows(client, rows) };
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
  },

  /** Records plan exposures of the program holdout (first per plan and user wins); how many were new. */
  planExposures(client: Database.Database, records: PlanExposure[]): number {
    let insert = planExposureInserts.get(client);
    if (!insert) {
      insert = client.prepare('insert into plan_exposures (plan_id, user_id, holdout, first_exposed_at_ms) values (?, ?, ?, ?) on conflict do nothing');
      planExposureInserts.set(client, insert);
    }
    let added = 0;
    for (const r of records) added += insert.run(r.planId, r.userId, r.holdout ? 1 : 0, r.atMs).changes;
    return added;
  }
} as const;

const planExposureInserts = new WeakMap<Database.Database, Database.Statement>();

const storedEvents = new WeakMap<Database.Database, Database.Statement>();

/**
 * Positions of the rows whose `(user, id)` is stored with other content (name, value, timestamp).
 * A row stored by this write matches itself; a later row of the same batch with the same id and
 * other content conflicts with it.
 */
function conflictingRows(client: Database.Database, rows: EventRow[]): number[] {
  let select = storedEvents.get(client);
  if (!select) {
    select = client.prepare('select event_name, value, timestamp_ms from events where user_id = ? and client_event_id = ?').raw();
    storedEvents.set(client, select);
  }
  const conflicts: number[] = [];
  rows.forEach(([id, userId, eventName, value, timestampMs], position) => {
    if (id === null) return;
    const stored = select.get(userId, id) as [string, number | null, number] | undefined;
    if (stored && (stored[0] !== eventName || stored[1] !== value || stored[2] !== timestampMs)) conflicts.push(position);
  });
  return conflicts;
}

/**
 * Whether a write runs exactly one SQL statement that writes: up to 100 events (one multi-row insert,
 * then reads only) or one `/assign` exposure (one upsert). The group commit runs those without a savepoint.
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
