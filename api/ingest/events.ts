import type { AppDeps } from '../deps.ts';
import { timestampProblem } from '../limits/index.ts';
import { ingestOf } from '../engine/index.ts';
import type { EventRow } from '../../db/store/index.ts';
import { itemError } from './item-errors.ts';
import { plainEventItem } from './plain-event.ts';
import { eventItemSchema, type IngestResult } from './schemas.ts';

/**
 * Stores conversion and value events. An `id` is unique per user (the rule is at the top of
 * db/store/ingest.ts): a repeat with the same content counts as a duplicate (retries are idempotent),
 * a repeat with other content is rejected as a conflict. Invalid items are rejected by index,
 * the good ones kept. Resolves after the commit (group commit: concurrent requests share one transaction).
 * @example await recordEvents(deps, [{ userId: 'u1', event: 'purchase', value: 19.9, id: 'evt-1' }])
 */
export async function recordEvents(deps: AppDeps, items: unknown[]): Promise<IngestResult> {
  const nowMs = deps.now();
  const rejected: IngestResult['rejected'] = [];
  const rows: EventRow[] = [];
  const indexes: number[] = [];
  for (let index = 0; index < items.length; index++) {
    // The plain case without zod (same result, a tenth of the request's CPU); the schema judges the rest.
    let e = plainEventItem(items[index]);
    if (!e) {
      const parsed = eventItemSchema.safeParse(items[index]);
      if (!parsed.success) { rejected.push({ index, error: itemError(parsed.error) }); continue; }
      e = parsed.data;
    }
    const timestampMs = e.timestamp ?? nowMs;
    const problem = timestampProblem(timestampMs, nowMs);
    if (problem) { rejected.push({ index, error: `timestamp: ${problem}` }); continue; }
    rows.push([e.id ?? null, e.userId, e.event, e.value ?? null, timestampMs, nowMs]);
    indexes.push(index);
  }
  if (rows.length === 0) return { accepted: 0, duplicates: 0, rejected };
  const { stored, conflicts } = await ingestOf(deps).events(rows);
  for (const position of conflicts) {
    rejected.push({ index: indexes[position]!, error: `id: event id '${rows[position]![0]}' was already used for a different event of this user` });
  }
  if (conflicts.length > 0) rejected.sort((a, b) => a.index - b.index);
  return { accepted: stored, duplicates: rows.length - stored - conflicts.length, rejected };
}
