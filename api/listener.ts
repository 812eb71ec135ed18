import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { App } from './app.ts';
import type { AppDeps } from './deps.ts';
import { fastAssign } from './assign/fast-path.ts';
import { fastEvents } from './ingest/fast-path.ts';
import { fastPayload } from './sdk/fast-path.ts';
import { internalError, send } from './fast-answer.ts';

/**
 * Every app-wide middleware of the Hono app (api/app.ts) and what the fast paths do about it.
 * A middleware added to the app that is not listed here fails `listener.test.ts`: the fast
 * paths must then apply it too, or say here why it does not concern them.
 */
export const fastPathMiddleware: Record<string, string> = {
  secureHeaders: 'applied: every fast-path answer carries the same headers (send() in fast-answer.ts writes securityHeaders and the API CSP)',
  compress: 'applied: the assign and events fast paths answer a few hundred bytes of JSON, below the 1 KB that compress() starts at; the payload fast path sends gzip when it is asked for by name (made once per payload, ETag weakened as compress() does) and leaves any other Accept-Encoding to Hono',
  bodySizeLimit: 'applied: the events fast path reads at most the same limit and hands a larger or unparsable body to Hono; the assign and payload fast paths take GET only',
  cors: 'applied: the assign and events fast paths answer only sdk and admin keys (hasValidKey), to which clientCors grants no origin, so Hono would add no CORS header either; the payload fast path takes only requests without Origin and sends the Vary and expose headers Hono does; client keys with an Origin and preflights go to Hono',
  authenticate: 'applied: the assign and events fast paths answer only a request with a valid sdk or admin key (hasValidKey), the payload fast path only a valid client key in its path (as its route checks it); anything else goes to Hono'
};

/**
 * The API as a node:http listener. The SDKs' hot paths, a plain `GET /api/v1/assign`, a
 * well-formed `POST /api/v1/events` and a server SDK's `GET /api/features/{clientKey}`, are answered
 * without the framework (`fast-path.ts` in api/assign, api/ingest and api/sdk); everything else, errors included, by the Hono app. Used by every
 * server that serves the API (npm start, the dev server, the crash test and the benchmark).
 * `fastPaths: false` leaves every request to Hono (the benchmark's comparison).
 * @example createServer(apiListener(app, deps)).listen(3000);
 */
export function apiListener(app: App, deps: AppDeps, options: { fastPaths?: boolean } = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const hono = getRequestListener(app.fetch);
  // Off to measure what the fast paths buy (bench/api.bench.ts), and on PostgreSQL, where they
  // are not written yet (they read SQLite synchronously): Hono's routes use the engine's writer.
  if (options.fastPaths === false || deps.postgres) return (req, res) => void hono(req, res);
  const assign = fastAssign(deps);
  const events = fastEvents(deps, (req, res, body) => void answerWithBody(app, req, res, body));
  const payload = fastPayload(deps);
  return (req, res) => {
    if (!assign(req, res) && !events(req, res) && !payload(req, res)) void hono(req, res);
  };
}

/**
 * Lets the Hono app answer a request whose body the fast path has already read (the fast
 * path took only ordinary requests: one of each header it reads, a plain Host).
 */
async function answerWithBody(app: App, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await app.fetch(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: new Uint8Array(body) }));
    const answer = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, { ...Object.fromEntries(response.headers), 'content-length': answer.length }).end(answer);
  } catch (error) {
    console.error('unhandled error', req.method, req.url, error);
    if (!res.headersSent) send(res, 500, internalError);
  }
}
