import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { AppDeps } from './deps.ts';
import { principalOf } from './auth/index.ts';
import { faultAnswer } from './errors.ts';
import { noteFault } from './engine/faults.ts';
import { apiContentSecurityPolicy, securityHeaders } from './front-door/index.ts';

/** What Hono's secureHeaders sets on API answers (api/app.ts), for the answers written here. */
const fixedHeaders = { ...securityHeaders, 'content-security-policy': apiContentSecurityPolicy };

/** The body `onError` gives an unexpected error (api/errors.ts), for the fast paths. */
export const internalError = JSON.stringify({ error: { code: 'internal_error', message: 'Internal server error' } });

/**
 * `fixedHeaders` and the JSON type as one flat `[name, value, …]` list, made once; the last
 * value is the answer's length, set right before `writeHead`, which copies the list into the
 * header block at once (no object per answer).
 */
const jsonHeaders: OutgoingHttpHeader[] = [...Object.entries(fixedHeaders).flat(), 'content-type', 'application/json', 'content-length', 0];
const lengthAt = jsonHeaders.length - 1;

/** Writes a JSON answer as Hono's `c.json` does: the same status, type and body. */
export function send(res: ServerResponse, status: number, body: string): void {
  jsonHeaders[lengthAt] = Buffer.byteLength(body);
  res.writeHead(status, jsonHeaders).end(body);
}

/**
 * Answers `work`'s result as JSON with `status` once it settles; an error is answered as
 * `onError` answers it: a database fault as 503 with `Retry-After`, anything else logged and 500.
 */
export function answerWhenDone(deps: AppDeps, res: ServerResponse, status: number, work: Promise<unknown>, route: string): void {
  work.then(
    (result) => send(res, status, JSON.stringify(result)),
    (error: unknown) => {
      noteFault(deps, error);
      const fault = faultAnswer(error);
      if (fault) {
        const body = JSON.stringify(fault.body);
        res.writeHead(503, { ...fixedHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'retry-after': String(fault.retryAfterSeconds) }).end(body);
        return;
      }
      console.error(`unhandled error ${route}`, error);
      send(res, 500, internalError);
    }
  );
}

/**
 * Whether the request presents a valid sdk or admin key (the Hono route answers a missing or bad
 * one). Client keys go to Hono too: their requests come from browsers, and only Hono's CORS
 * middleware (api/sdk/cors.ts) checks their origins and answers with CORS headers.
 */
export function hasValidKey(deps: AppDeps, req: IncomingMessage): boolean {
  const scope = principalOf(deps, req.headers.authorization, req.headers['x-api-key'] as string | undefined)?.scope;
  return scope === 'sdk' || scope === 'admin';
}

/** A host the Hono adapter takes as it is (@hono/node-server's own fast check). */
const plainHost = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
const singleHeaders = ['host', 'authorization', 'x-api-key', 'content-type', 'content-length'] as const;

/**
 * Whether a request is ordinary enough for a fast path: a plain Host, no fragment or backslash
 * in the target, and at most one of each header the fast paths read (Node keeps the first of
 * repeated headers where the Hono adapter joins them). Anything else goes to Hono, which
 * answers it (often with a 400).
 */
export function ordinaryRequest(req: IncomingMessage): boolean {
  const url = req.url!;
  if (url.includes('#') || url.includes('\\')) return false;
  if (!plainHost.test(req.headers.host ?? '')) return false;
  const distinct = req.headersDistinct;
  for (const name of singleHeaders) if ((distinct[name]?.length ?? 0) > 1) return false;
  return true;
}
