import type { AppDeps } from '../deps.ts';
import { timestampProblem } from '../limits/index.ts';
import { writerFor } from './writer.ts';
import type { EventRow } from './write-ops.ts';
import { itemError } from './item-errors.ts';
import { eventItemSchema, type IngestResult } from './schemas.ts';

/**
 * Stores conversion and value events. Items with an `id` already stored count as duplicates
 * (retries are idempotent); invalid items are rejected by index, the good ones kept.
 * Resolves after the commit (group commit on the writer thread: concurrent requests share one transaction).
 * @example await recordEvents(deps, [{ userId: 'u1', event: 'purchase', value: 19.9, id: 'evt-1' }])
 */
export async function recordEvents(deps: AppDeps, items: unknown[]): Promise<IngestResult> {
  const nowMs = deps.now();
  const rejected: IngestResult['rejected'] = [];
  const rows: EventRow[] = [];
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
  const accepted = await writerFor(deps.db.$client).write('events', rows);
  return { accepted, duplicates: rows.length - accepted, rejected };
}
