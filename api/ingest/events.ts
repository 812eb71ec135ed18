import type Database from 'better-sqlite3';
import type { AppDeps } from '../deps.ts';
import { timestampProblem } from '../limits/index.ts';
import { groupCommitFor } from './group-commit.ts';
import { itemError } from './item-errors.ts';
import { eventItemSchema, type IngestResult } from './schemas.ts';

type Row = [clientEventId: string | null, userId: string, eventName: string, value: number | null, timestampMs: number, receivedAtMs: number];

const inserts = new WeakMap<Database.Database, Database.Statement>();

function insertFor(client: Database.Database): Database.Statement {
  let statement = inserts.get(client);
  if (!statement) {
    statement = client.prepare(`insert into events (client_event_id, user_id, event_name, value, timestamp_ms, received_at_ms)
      values (?, ?, ?, ?, ?, ?) on conflict (client_event_id) do nothing`);
    inserts.set(client, statement);
  }
  return statement;
}

/**
 * Stores conversion and value events. Items with an `id` already stored count as duplicates
 * (retries are idempotent); invalid items are rejected by index, the good ones kept.
 * Resolves after the commit (group commit: concurrent requests share one transaction).
 * @example await recordEvents(deps, [{ userId: 'u1', event: 'purchase', value: 19.9, id: 'evt-1' }])
 */
export async function recordEvents(deps: AppDeps, items: unknown[]): Promise<IngestResult> {
  const nowMs = deps.now();
  const rejected: IngestResult['rejected'] = [];
  const rows: Row[] = [];
  for (let index = 0; index < items.length; index++) {
    const parsed = eventItemSchema.safeParse(items[index]);
    if (!parsed.success) { rejected.push({ index, error: itemError(parsed.error) }); continue; }
    const e = parsed.data;
    const timestampMs = e.timestamp ?? nowMs;
    const problem = timestampProblem(timestampMs, nowMs);
    if (problem) { rejected.push({ index, error: `timestamp: ${problem}` }); continue; }
    rows.push([e.id ?? null, e.userId, e.event, e.value ?? null, timestampMs, nowMs]);
  }
  if (rows.length === 0) return { accepted: 0, duplicates: 0, rejected };
  const insert = insertFor(deps.db.$client);
  const accepted = await groupCommitFor(deps.db.$client).run(() => {
    let stored = 0;
    for (const row of rows) stored += insert.run(row).changes;
    return stored;
  });
  return { accepted, duplicates: rows.length - accepted, rejected };
}
