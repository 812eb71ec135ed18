import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';

/** Every input limit of the API in one place; error messages name the limit. */
export const limits = {
  bodyBytes: 1024 * 1024,
  batchItems: 1000,
  experimentsPerAssign: 100,
  userIdChars: 256,
  keyChars: 100,
  eventNameChars: 100,
  eventIdChars: 200,
  /** |value| of an event: far above any order value, far below what would overflow a sum of squares. */
  eventValueAbs: 1e9,
  attributeCount: 50,
  attributeNameChars: 100,
  attributeValueChars: 1000,
  attributeListItems: 100,
  /** Client timestamps may be this far in the past of the server's clock (apps send queued events late). */
  timestampWindowDays: 400,
  /**
   * Clock skew tolerated between a client and the server: a timestamp may be this far in the
   * future, and an exposure this far before its experiment's start (it is then recorded at the start).
   */
  clockToleranceMinutes: 5,
  /** The latest epoch milliseconds a timestamp may carry (9999-12-31T23:59:59.999Z). */
  timestampMaxMs: 253_402_300_799_999
} as const;

/** 413 `payload_too_large` for bodies over `limits.bodyBytes`, before anything parses them. */
export function bodySizeLimit(): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: limits.bodyBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `Request body exceeds the limit of ${limits.bodyBytes} bytes (1 MiB)`);
    }
  });
  // GET and HEAD carry no body. With a Content-Length (Node's parser holds the body to it), the
  // header decides without touching `c.req.raw.body`, which would make @hono/node-server build a
  // full Request and stream the body instead of reading it directly.
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return limit(c, next);
    if (Number(length) > limits.bodyBytes) throw new ApiError(413, 'payload_too_large', `Request body exceeds the limit of ${limits.bodyBytes} bytes (1 MiB)`);
    return next();
  };
}

export const userIdSchema = z.string().min(1, 'must not be empty')
  .max(limits.userIdChars, `is longer than the limit of ${limits.userIdChars} characters`)
  .openapi({ example: 'user-123' });

const scalarSchema = z.union([
  z.string().max(limits.attributeValueChars, `attribute value is longer than the limit of ${limits.attributeValueChars} characters`),
  z.number().finite(), z.boolean()
]);

/** Request attributes for targeting and segments: at most 50 names, short scalar values or lists. */
export const attributesSchema = z.record(
  z.string().min(1).max(limits.attributeNameChars, `attribute name is longer than the limit of ${limits.attributeNameChars} characters`),
  z.union([scalarSchema, z.null(), z.array(scalarSchema).max(limits.attributeListItems, `attribute list is longer than the limit of ${limits.attributeListItems} items`)])
).refine((a) => Object.keys(a).length <= limits.attributeCount, `more than the limit of ${limits.attributeCount} attributes`)
  .openapi({ example: { country: 'TR', segment: 'new' } });

/**
 * RFC 3339 date-time (ISO 8601 extended format with a time zone): `2026-11-23T09:00:00Z`,
 * `2026-11-23T09:00:00.123+03:00`; seconds may be left out. A local time without zone would
 * depend on the server's time zone, so it is refused, as are dates alone and other spellings
 * `Date.parse` would guess at ("Nov 23 2026", "2026/11/23").
 */
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Epoch ms of an RFC 3339 date-time, or null when it is not one or names no real day (2026-02-30). */
function parseRfc3339(text: string): number | null {
  const match = rfc3339.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) || ms < 0 || ms > limits.timestampMaxMs ? null : ms;
}

const timestampFormat = 'must be epoch milliseconds or an RFC 3339 / ISO 8601 date-time with a time zone, e.g. 2026-11-23T09:00:00Z';

/** A client timestamp: epoch milliseconds or an RFC 3339 / ISO 8601 date-time with a zone; becomes epoch ms. */
export const timestampSchema = z.union([
  z.number().refine((ms) => Number.isInteger(ms) && ms >= 0 && ms <= limits.timestampMaxMs, timestampFormat),
  z.string().max(40, timestampFormat).transform((text, ctx) => {
    const ms = parseRfc3339(text);
    if (ms === null) { ctx.addIssue({ code: 'custom', message: timestampFormat }); return z.NEVER; }
    return ms;
  })
], { error: timestampFormat }).openapi({
  description: 'Epoch milliseconds, or an RFC 3339 / ISO 8601 date-time with a time zone (Z or ±hh:mm); defaults to the time the server receives it',
  example: '2026-11-23T09:00:00Z'
});

/**
 * Null when `timestampMs` is at most `timestampWindowDays` in the past of `nowMs` and at most
 * `clockToleranceMinutes` in its future, else why not.
 * @example timestampProblem(nowMs + 3_600_000, nowMs) // 'timestamp … is more than 5 minutes ahead of the server\'s time'
 */
export function timestampProblem(timestampMs: number, nowMs: number): string | null {
  const windowMs = limits.timestampWindowDays * 86_400_000;
  if (nowMs - timestampMs > windowMs) {
    return `timestamp ${new Date(timestampMs).toISOString()} is more than ${limits.timestampWindowDays} days from the server's time`;
  }
  if (timestampMs - nowMs > limits.clockToleranceMinutes * 60_000) {
    return `timestamp ${new Date(timestampMs).toISOString()} is more than ${limits.clockToleranceMinutes} minutes ahead of the server's time`;
  }
  return null;
}

/**
 * Null when an exposure at `atMs` is not before its experiment's start (less the clock
 * tolerance), else why not. An exposure from before the start would count the user's earlier
 * events as conversions.
 * @example exposureStartProblem(startMs - 86_400_000, startMs, 'checkout') // "… before experiment 'checkout' started …"
 */
export function exposureStartProblem(atMs: number, startedAtMs: number | null, experimentKey: string): string | null {
  if (startedAtMs === null || atMs >= startedAtMs - limits.clockToleranceMinutes * 60_000) return null;
  return `timestamp ${new Date(atMs).toISOString()} is before experiment '${experimentKey}' started (${new Date(startedAtMs).toISOString()}), ` +
    `beyond the clock tolerance of ${limits.clockToleranceMinutes} minutes`;
}

/** A batch of 1..1000 items; items are validated one by one so good ones are kept. */
export function batchSchema(what: string) {
  return z.array(z.unknown()).min(1, `at least one ${what} is required`)
    .max(limits.batchItems, `more than the limit of ${limits.batchItems} ${what}s per request`);
}
