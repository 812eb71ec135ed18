import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { presentedKey, type Principal } from '../auth/index.ts';
import { verifyKeyOf } from '../engine/index.ts';

/** The routes a browser may call with a client key: the payload and its stream (key in the path), exposures and events. */
const pathKeyRoute = /^\/(?:api\/features|sub)\/([^/]+)$/;
const headerKeyRoute = /^\/api\/v1\/(?:exposures|events)\/?$/;

/**
 * Whether a client key may be used from `origin`: its list holds it, or the list is empty (any origin).
 * @example originAllowed({ allowedOrigins: ['https://shop.example'] }, 'https://shop.example') // true
 */
export function originAllowed(principal: Pick<Principal, 'allowedOrigins'>, origin: string): boolean {
  return principal.allowedOrigins.length === 0 || principal.allowedOrigins.includes(origin);
}

/**
 * The origin to allow for one request, or null for none. Only client keys open CORS: sdk and
 * admin keys are secrets that no browser should hold. A preflight carries no key, so for
 * exposures and events it is answered for any origin that some active client key allows; the
 * real request is then checked against its own key. A real request from an origin its client
 * key does not allow is refused with 403 (its body would otherwise be recorded even though
 * the browser hides the answer).
 */
async function allowedOrigin(deps: AppDeps, origin: string, c: Context): Promise<string | null> {
  if (!origin) return null;
  const preflight = c.req.method === 'OPTIONS';
  const inPath = pathKeyRoute.exec(c.req.path);
  let principal: Principal | null;
  if (inPath) {
    const key = inPath[1]!;
    principal = await verifyKeyOf(deps, key);
  } else if (preflight) {
    const keys = await deps.data.keys.list();
    return keys.some((k) => k.scope === 'client' && k.revokedAtMs === null && originAllowed(k, origin)) ? origin : null;
  } else {
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    principal = key ? await verifyKeyOf(deps, key) : null;
  }
  if (!principal || principal.scope !== 'client') return null;
  if (originAllowed(principal, origin)) return origin;
  if (preflight) return null;
  throw new ApiError(403, 'origin_not_allowed', `The client key '${principal.name}' may not be used from the origin ${origin}`);
}

/**
 * CORS for the routes browsers call with a client key (Hono's `cors`), and nothing for the rest.
 * Exposes `ETag` and `x-sse-support`: the GrowthBook SDK reads the latter to decide to stream.
 * @example app.use('*', clientCors(deps));
 */
export function clientCors(deps: AppDeps): MiddlewareHandler {
  const handler = cors({
    origin: (origin, c) => allowedOrigin(deps, origin, c),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    exposeHeaders: ['ETag', 'x-sse-support', 'Retry-After'],
    maxAge: 600
  });
  return (c, next) => pathKeyRoute.test(c.req.path) || headerKeyRoute.test(c.req.path) ? handler(c, next) : next();
}
