import type { IncomingMessage } from 'node:http';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppDeps } from '../deps.ts';
import { ApiError, validationHook } from '../errors.ts';
import type { Principal } from '../auth/index.ts';
import { verifyKeyOf } from '../engine/index.ts';
import { FailureThrottle } from '../front-door/index.ts';
import { config } from '../../db/config.ts';
import { errorResponses } from '../openapi.ts';
import { payloadCacheFor, type PayloadSnapshot } from './payload-cache.ts';
import { StreamRegistry, streamSettings } from './streams.ts';

/** What GrowthBook's own server sends with the payload: fresh 30 s, stale for 1 h while revalidating, 10 h if we are down. */
export const payloadCacheControl = 'public, max-age=30, stale-while-revalidate=3600, stale-if-error=36000';

/** The valid client key in the path, else 401 (429 for an address that keeps presenting bad ones). */
async function clientPrincipal(deps: AppDeps, c: Context, throttle: FailureThrottle): Promise<Principal> {
  const key = c.req.param('clientKey') ?? '';
  const principal = await verifyKeyOf(deps, key);
  if (principal?.scope === 'client') return principal;
  const address = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'in-process';
  const wait = throttle.retryAfterSeconds(address, deps.now());
  if (wait > 0) {
    c.header('retry-after', String(wait));
    throw new ApiError(429, 'too_many_failed_attempts', `Too many requests with an invalid client key from this address; retry in ${wait} s`);
  }
  throttle.fail(address, deps.now());
  throw new ApiError(401, 'unauthorized', principal
    ? `The key '${principal.name}' is not a client key: the SDK payload takes a client key (scope 'client')`
    : 'The client key is not valid or was revoked');
}

/** Whether an `If-None-Match` header names `etag` (a list, `*` and weak forms count). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/**
 * The GrowthBook SDK endpoints, outside /api/v1 where the SDKs look for them:
 * `GET /api/features/{clientKey}` (the payload, from memory, with ETag and 304) and
 * `GET /sub/{clientKey}` (Server-Sent Events: event `features` with each new payload).
 * The key in the path is checked here (`requiredAccess` leaves these paths public).
 * @example app.route('/', sdkRoutes(deps));
 */
export function sdkRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const payload = payloadCacheFor(deps.data, { now: deps.now });
  const settings = streamSettings();
  const streams = new StreamRegistry(settings.perKey);
  const throttle = new FailureThrottle({ limit: config().authFailuresPerMinute });

  app.get('/api/features/:clientKey', async (c) => {
    await clientPrincipal(deps, c, throttle);
    const snapshot = await payload.current();
    const headers = { etag: snapshot.etag, 'cache-control': payloadCacheControl, 'x-sse-support': 'enabled' };
    if (matches(c.req.header('if-none-match'), snapshot.etag)) return c.body(null, 304, headers);
    return c.body(snapshot.body, 200, { ...headers, 'content-type': 'application/json' });
  });

  app.get('/sub/:clientKey', async (c) => {
    const principal = await clientPrincipal(deps, c, throttle);
    const key = c.req.param('clientKey');
    let close = () => {};
    const closed = new Promise<void>((resolve) => { close = resolve; });
    if (streams.closing) {
      c.header('retry-after', '1');
      throw new ApiError(503, 'shutting_down', 'The server is shutting down; reconnect in a moment');
    }
    const leave = streams.admit(principal.keyId!, () => close());
    if (!leave) throw new ApiError(429, 'too_many_streams', `The client key '${principal.name}' already holds ${settings.perKey} open streams`);
    c.header('x-accel-buffering', 'no'); // proxies (nginx) must not buffer the stream
    return streamSSE(c, async (stream) => {
      let sentEtag = '';
      const send = (snapshot: PayloadSnapshot) => {
        if (snapshot.etag === sentEtag) return; // the first payload can arrive both ways
        sentEtag = snapshot.etag;
        void stream.writeSSE({ event: 'features', data: snapshot.body }).catch(() => close());
      };
      const off = payload.subscribe(send);
      const tick = setInterval(() => {
        // A key revoked by another process: verifyApiKey sees it within its cache time.
        void verifyKeyOf(deps, key).then((valid) => {
          if (!valid) close();
          else void stream.write(': keep-alive\n\n').catch(() => close());
        }, () => close());
      }, settings.keepAliveMs);
      stream.onAbort(() => close());
      try {
        // The current payload first: a change between the SDK's fetch and this stream is not lost.
        send(await payload.current());
        await closed;
      } finally {
        clearInterval(tick);
        off();
        leave();
      }
    }, async (error, stream) => {
      console.error('SDK stream failed', error);
      await stream.close();
    });
  });
  return app;
}

const clientKeyParam = z.object({
  clientKey: z.string().openapi({ param: { name: 'clientKey', in: 'path' }, description: 'A client key (scope client)', example: 'wx_client_…' })
});

/**
 * The two SDK endpoints in the OpenAPI document of /api/v1. They live outside /api/v1 (where
 * GrowthBook's SDKs look), so each names its own server, the site root.
 */
export function sdkDocs() {
  const docs = new OpenAPIHono();
  docs.openAPIRegistry.registerPath(createRoute({
    method: 'get', path: '/api/features/{clientKey}', tags: ['sdk'], servers: [{ url: '/' }], security: [],
    summary: 'The GrowthBook SDK payload: one feature per experiment, evaluated by the SDK itself',
    description: 'GrowthBook\'s `FeatureApiResponse`: `features` keyed by experiment key (value: a variant key; `defaultValue`: the control) and `dateUpdated`. '
      + 'Experiment rules use hash version 2 with our seeds, so a user gets the variant `GET /api/v1/assign` gives. '
      + `Answers carry an ETag (send If-None-Match for a 304), \`Cache-Control: ${payloadCacheControl}\` and \`x-sse-support: enabled\`. CORS: the key's allowed origins.`,
    request: { params: clientKeyParam, headers: z.object({ 'if-none-match': z.string().optional() }) },
    responses: {
      200: { description: 'The payload', content: { 'application/json': { schema: z.object({ features: z.record(z.string(), z.object({ defaultValue: z.string(), rules: z.array(z.record(z.string(), z.unknown())).optional() })), dateUpdated: z.string() }).openapi('SdkPayload') } } },
      304: { description: 'Not modified (If-None-Match named the current ETag)' },
      ...errorResponses(401, 403)
    }
  }));
  docs.openAPIRegistry.registerPath(createRoute({
    method: 'get', path: '/sub/{clientKey}', tags: ['sdk'], servers: [{ url: '/' }], security: [],
    summary: 'Server-Sent Events: the new SDK payload after every change',
    description: 'Event `features` with the whole payload (as `GET /api/features/{clientKey}` answers it): once on connecting, then after each change '
      + '(start, stop, weights, rollout). Comment lines keep the stream alive. The stream closes when the key is revoked, and on SIGTERM (reconnect). '
      + 'At most SDK_STREAMS_PER_KEY (default 100) streams per key; more get 429.',
    request: { params: clientKeyParam },
    responses: {
      200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string() } } },
      ...errorResponses(401, 403),
      429: { description: 'Too many open streams for this key', content: { 'application/json': { schema: z.object({ error: z.object({ code: z.string(), message: z.string() }) }) } } },
      503: { description: 'The server is shutting down (its open streams have just ended): reconnect after Retry-After', content: { 'application/json': { schema: z.object({ error: z.object({ code: z.string(), message: z.string() }) }) } } }
    }
  }));
  return docs;
}
