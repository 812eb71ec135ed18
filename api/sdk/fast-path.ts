import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AppDeps } from '../deps.ts';
import { verifyApiKey } from '../auth/index.ts';
import { ordinaryRequest } from '../fast-answer.ts';
import { apiContentSecurityPolicy, securityHeaders } from '../front-door/index.ts';
import { payloadCacheFor, type PayloadSnapshot } from './payload-cache.ts';
import { payloadCacheControl } from './routes.ts';

const prefix = '/api/features/';
/** A key as we issue them (`wx_client_` and base64url): nothing to decode. */
const plainKey = /^[\w-]{1,200}$/;

/** The headers the Hono route answers a request without Origin with (secureHeaders, cors, compress included). */
const fixedHeaders = {
  ...securityHeaders, 'content-security-policy': apiContentSecurityPolicy,
  'access-control-expose-headers': 'ETag,x-sse-support,Retry-After', vary: 'Origin, Accept-Encoding',
  'cache-control': payloadCacheControl, 'x-sse-support': 'enabled', 'content-type': 'application/json'
};

/**
 * The encoding Hono's compress() would pick, when it is simple to tell: none asked for (no
 * header, or only `identity`) or `gzip` at full weight. Anything else (q-values, deflate only,
 * `*`) returns null and goes to Hono.
 */
function encodingOf(header: string | undefined): 'identity' | 'gzip' | null {
  if (header === undefined) return 'identity';
  const tokens = header.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  if (tokens.includes('gzip')) return 'gzip';
  return tokens.every((t) => t === 'identity') ? 'identity' : null;
}

/**
 * `GET /api/features/{clientKey}` without the framework, for SDKs polling from servers: the
 * payload's bytes from memory (and their gzip, made once per payload) with the headers the Hono
 * route sends. It takes only the plain case: a valid client key, no Origin (browsers, whose
 * origin must be checked, go to Hono's CORS), no If-None-Match, no query, a built payload and an
 * Accept-Encoding it can read. Everything else returns false and Hono answers it, errors included.
 * @example const handled = fastPayload(deps)(req, res); if (!handled) honoListener(req, res);
 */
export function fastPayload(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const payload = payloadCacheFor(deps.data, { now: deps.now });
  const gzipped = new WeakMap<PayloadSnapshot, Buffer>();
  return (req, res) => {
    const url = req.url!;
    if (req.method !== 'GET' || !url.startsWith(prefix)) return false;
    const key = url.slice(prefix.length);
    const { headers } = req;
    if (!plainKey.test(key) || headers.origin !== undefined || headers['if-none-match'] !== undefined || !ordinaryRequest(req)) return false;
    const encoding = encodingOf(headers['accept-encoding']);
    if (!encoding) return false;
    let snapshot: PayloadSnapshot | null;
    try {
      if (verifyApiKey(deps.db, key, deps.now())?.scope !== 'client') return false;
      snapshot = payload.peek();
    } catch {
      return false; // Hono answers, with its error handling
    }
    if (!snapshot) return false;
    if (encoding === 'identity') {
      res.writeHead(200, { ...fixedHeaders, etag: snapshot.etag, 'content-length': Buffer.byteLength(snapshot.body) }).end(snapshot.body);
      return true;
    }
    let body = gzipped.get(snapshot);
    if (!body) gzipped.set(snapshot, (body = gzipSync(snapshot.body)));
    // compress() weakens the ETag of what it compresses: the bytes differ, the content does not.
    res.writeHead(200, { ...fixedHeaders, etag: `W/${snapshot.etag}`, 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
    return true;
  };
}
