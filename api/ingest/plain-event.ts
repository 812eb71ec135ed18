import { limits } from '../limits/index.ts';
import { eventNamePattern } from './schemas.ts';

/** An event item as `eventItemSchema` outputs it (timestamp in epoch ms). */
export type EventItem = { userId: string; event: string; value?: number; timestamp?: number; id?: string };

/**
 * The item as `eventItemSchema.parse` would return it, when it is the plain case: an object with
 * only the schema's fields, a valid user id, event name and id, a finite value within the limit
 * and a timestamp in epoch milliseconds. Null for anything else (a string timestamp, a wrong
 * type, an unknown field, a value out of range): the caller then asks the schema, which accepts
 * or rejects it with its own message. So the result never differs from the schema's; this only
 * saves its cost on the bulk path (about a tenth of a 100-event request's CPU).
 * `plain-event.test.ts` checks both agree, case by case.
 * @example plainEventItem({ userId: 'u1', event: 'purchase', value: 19.9 }) // { userId: 'u1', event: 'purchase', value: 19.9 }
 * @example plainEventItem({ userId: 'u1', event: 'purchase', timestamp: '2026-11-23T09:00:00Z' }) // null: the schema decides
 */
export function plainEventItem(item: unknown): EventItem | null {
  // A plain object, as JSON.parse makes them (the schema judges any other kind).
  if (typeof item !== 'object' || item === null || Object.getPrototypeOf(item) !== Object.prototype) return null;
  let fields = 0;
  const { userId, event, value, timestamp, id } = item as Record<string, unknown>;
  if (typeof userId !== 'string' || userId.length < 1 || userId.length > limits.userIdChars) return null;
  if (typeof event !== 'string' || event.length > limits.eventNameChars || !eventNamePattern.test(event)) return null;
  fields += 2;
  const out: EventItem = { userId, event };
  if (value !== undefined) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < -limits.eventValueAbs || value > limits.eventValueAbs) return null;
    out.value = value;
    fields++;
  }
  if (timestamp !== undefined) {
    if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0 || timestamp > limits.timestampMaxMs) return null;
    out.timestamp = timestamp;
    fields++;
  }
  if (id !== undefined) {
    if (typeof id !== 'string' || id.length < 1 || id.length > limits.eventIdChars) return null;
    out.id = id;
    fields++;
  }
  // The schema is strict: any other own field (or a field present as undefined) is the schema's to judge.
  let own = 0;
  for (const _key in item) own++;
  return own === fields ? out : null;
}
