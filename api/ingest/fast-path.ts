import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../deps.ts';
import { limits } from '../limits/index.ts';
import { answerWhenDone, hasValidKey, ordinaryRequest } from '../fast-answer.ts';
import { recordEvents } from './events.ts';
import { eventsBodySchema } from './schemas.ts';

/** The JSON types every layer of the Hono route accepts alike; other spellings go to Hono. */
const jsonType = /^application\/json(;\s*charset=utf-8)?$/i;

/** Hands a request whose body is already read to the Hono app. */
export type Fallback = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/**
 * `POST /api/v1/events` without the framework, for the SDKs' bulk path: the same checks (body
 * limit, key, body schema, then each item by `eventItemSchema` in `recordEvents`) and the same
 * 202 answer as the Hono route, minus Hono's Request object and its body stream (a third of the
 * CPU of a 100-event request). It takes only a JSON body with a Content-Length within the limit
 * and a valid key; a body that does not parse or fit the schema is handed to `fallback` (the
 * Hono route), so every 4xx is the route's own. Returns false when it does not take the request.
 */
export function fastEvents(deps: AppDeps, fallback: Fallback): (req: IncomingMessage, res: ServerResponse) => boolean {
  /** Whether this path takes the request. Throws nothing: an error in a check leaves the request to Hono. */
  const taken = (req: IncomingMessage): boolean => {
    try {
      if (req.method !== 'POST' || req.url !== '/api/v1/events' || !ordinaryRequest(req)) return false;
      if (!jsonType.test(req.headers['content-type'] ?? '') || req.headers['transfer-encoding'] !== undefined) return false;
      const length = Number(req.headers['content-length']);
      if (!Number.isInteger(length) || length <= 0 || length > limits.bodyBytes) return false;
      return hasValidKey(deps, req);
    } catch {
      return false;
    }
  };
  return (req, res) => {
    if (!taken(req)) return false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const events = eventsOf(body);
      if (!events) return fallback(req, res, body);
      answerWhenDone(deps, res, 202, recordEvents(deps, events), 'POST /api/v1/events');
    });
    return true;
  };
}

/** The items of a body that parses and fits `eventsBodySchema`, else null. */
export function eventsOf(body: Buffer): unknown[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  // What the schema checks (an object whose `events` is an array of 1..batchItems), without zod
  // copying the array; anything else goes to the schema, which then answers for the route.
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const events = (parsed as { events?: unknown }).events;
    if (Array.isArray(events) && events.length >= 1 && events.length <= limits.batchItems) return events;
  }
  const valid = eventsBodySchema.safeParse(parsed);
  return valid.success ? valid.data.events : null;
}
