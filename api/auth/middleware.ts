import type { MiddlewareHandler, Next } from 'hono';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { verifyApiKey, type KeyScope, type Principal } from './keys.ts';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { FailureThrottle } from '../front-door/index.ts';
import { config } from '../../db/config.ts';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

export type Access = 'public' | KeyScope;

/**
 * Who may call what, by path under the mount point. Health, the OpenAPI document and the
 * docs page are public, and so are the SDK payload and its stream (the client key is in their
 * path and the route checks it); exposures and events take a `client` key or more; assignment
 * and OFREP an `sdk` key or more; every other route (management, reads of experiments, keys)
 * an `admin` key.
 * @example requiredAccess('/api/v1/assign') // 'sdk'
 */
export function requiredAccess(path: string): Access {
  if (path === '/api/v1/assign') return 'sdk'; // the hot path, before the patterns (which agree)
  if (/^\/api\/v1\/(health|openapi\.json|docs)(\/|$)/.test(path)) return 'public';
  if (/^\/api\/v1\/plans\/\d+\/calendar\.ics$/.test(path)) return 'public'; // the secret token in the URL protects it
  if (/^\/(api\/features|sub)\/[^/]+$/.test(path)) return 'public'; // the client key in the path, checked by the route
  if (/^\/api\/v1\/(exposures|events)\/?$/.test(path)) return 'client';
  if (/^\/api\/v1\/assign\/?$/.test(path) || path.startsWith('/ofrep/')) return 'sdk';
  return 'admin';
}

/** What each scope may do, smallest first: a key may call routes that need its scope or a smaller one. */
const scopeRank: Record<KeyScope, number> = { client: 0, sdk: 1, admin: 2 };

/**
 * Whether a key of `scope` may call a route that needs `access`.
 * @example scopeAllows('client', 'sdk') // false
 */
export function scopeAllows(scope: KeyScope, access: Access): boolean {
  return access === 'public' || scopeRank[scope] >= scopeRank[access];
}

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(authorization: string | undefined, apiKeyHeader: string | undefined): string | null {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1]!;
  }
  return apiKeyHeader?.trim() || null;
}

/**
 * The principal of a request's key (`Authorization: Bearer` first, else `X-API-Key`), or null
 * when there is none or it is not valid. For the fast paths, which leave the 401s to `authenticate`.
 */
export function principalOf(deps: AppDeps, authorization: string | undefined, apiKeyHeader: string | undefined): Principal | null {
  const key = presentedKey(authorization, apiKeyHeader);
  return key ? principalOfKey(deps, key) : null;
}

/** The principal of a presented key, or null when it is too long to be one of ours, unknown or revoked. */
function principalOfKey(deps: AppDeps, key: string): Principal | null {
  return key.length > 200 ? null : verifyApiKey(deps.db, key, deps.now());
}

/**
 * Authenticates every request that needs a key: 401 without a valid key, 403 when the key's
 * scope is too small. Sets `c.var.principal` for the routes (actor in the audit log).
 */
export function authenticate(deps: AppDeps, throttle = new FailureThrottle({ limit: config().authFailuresPerMinute })): MiddlewareHandler {
  // Not async: one promise less per request; compose catches what it throws.
  return (c, next) => {
    const access = requiredAccess(c.req.path);
    if (access === 'public') return next();
    // X-API-Key is read only when Authorization holds no Bearer key (as presentedKey decides).
    const key = presentedKey(c.req.header('authorization'), undefined) ?? presentedKey(undefined, c.req.header('x-api-key'));
    const address = clientAddress(c);
    // On PostgreSQL (api/engine) the key is checked asynchronously; on SQLite synchronously, as before.
    if (key && deps.postgres) {
      const presented = key;
      return (key.length > 200 ? Promise.resolve(null) : deps.postgres.verifyKey(presented, deps.now()))
        .then((found) => admit(c, next, found, presented, access, address));
    }
    return admit(c, next, key ? principalOfKey(deps, key) : null, key, access, address);
  };

  function admit(c: Context, next: Next, principal: Principal | null, key: string | null, access: Access, address: string) {
    // A valid key is always served; a missing or bad one from an address that kept failing waits.
    if (!principal) {
      const wait = throttle.retryAfterSeconds(address, deps.now());
      if (wait > 0) {
        c.header('retry-after', String(wait));
        throw new ApiError(429, 'too_many_failed_attempts', `Too many requests with a missing or invalid API key from this address; retry in ${wait} s`);
      }
      throttle.fail(address, deps.now());
      throw key
        ? new ApiError(401, 'unauthorized', 'The API key is not valid or was revoked')
        : new ApiError(401, 'unauthorized', 'An API key is required: send "Authorization: Bearer <key>" (or "X-API-Key: <key>")');
    }
    if (!scopeAllows(principal.scope, access)) {
      throw new ApiError(403, 'forbidden', `This route needs a key of scope '${access}'${access === 'admin' ? '' : ' or more'}; the key '${principal.name}' has scope '${principal.scope}'`);
    }
    c.set('principal', principal);
    return next();
  }
}

/** The client's address as the socket says (a proxy in front must be trusted to say otherwise; not read here). */
function clientAddress(c: Context): string {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'in-process';
}

/** The audit-log actor for a request: `key:<name>`. */
export function actorOf(principal: Principal | undefined): string {
  return principal ? `key:${principal.name}` : 'anonymous';
}
