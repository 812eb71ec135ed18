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
  /** Client timestamps may be this far from the server's clock, either way. */
  timestampWindowDays: 400
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

/** A client timestamp: epoch milliseconds or an ISO 8601 date-time; becomes epoch ms. */
export const timestampSchema = z.union([
  z.number().int().nonnegative(),
  z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'is not an ISO 8601 date-time').transform((s) => Date.parse(s))
]).openapi({ description: 'Epoch milliseconds or ISO 8601; defaults to the time the server receives it', example: '2026-11-23T09:00:00Z' });

/** Null when `timestampMs` is within the window around `nowMs`, else why not. */
export function timestampProblem(timestampMs: number, nowMs: number): string | null {
  const windowMs = limits.timestampWindowDays * 86_400_000;
  if (Math.abs(timestampMs - nowMs) <= windowMs) return null;
  return `timestamp ${new Date(timestampMs).toISOString()} is more than ${limits.timestampWindowDays} days from the server's time`;
}

/** A batch of 1..1000 items; items are validated one by one so good ones are kept. */
export function batchSchema(what: string) {
  return z.array(z.unknown()).min(1, `at least one ${what} is required`)
    .max(limits.batchItems, `more than the limit of ${limits.batchItems} ${what}s per request`);
}
