import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../deps.ts';
import { experimentKeyPattern } from '../experiments/schemas.ts';
import { limits } from '../limits/index.ts';
import { assignUser } from './assign.ts';
import { sqliteConfigCache } from '../engine/index.ts';
import { answerWhenDone, hasValidKey, ordinaryRequest } from '../fast-answer.ts';

const path = '/api/v1/assign?';

type PlainQuery = { experiment: string; userId: string; expose: boolean };

/** One query value, percent-decoded the way URLSearchParams does; null when it does not decode. */
function decoded(value: string): string | null {
  if (value.indexOf('%') < 0 && value.indexOf('+') < 0) return value;
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return null;
  }
}

/**
 * `experiment`, `userId` and an optional `expose` of `true`/`false`, each once and valid by the
 * route's own schemas; null for anything else (attributes, repeats, other names, bad values).
 */
function plainQuery(query: string): PlainQuery | null {
  let experiment: string | null = null;
  let userId: string | null = null;
  let expose: boolean | null = null;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) return null;
    const name = pair.slice(0, eq);
    const value = decoded(pair.slice(eq + 1));
    if (value === null) return null;
    if (name === 'experiment' && experiment === null) experiment = value;
    else if (name === 'userId' && userId === null) userId = value;
    else if (name === 'expose' && expose === null && (value === 'true' || value === 'false')) expose = value === 'true';
    else return null;
  }
  if (experiment === null || userId === null) return null;
  // What experimentKeySchema and userIdSchema check, without zod's result objects (fast-path-query.test.ts holds both to it).
  if (!experimentKeyPattern.test(experiment) || userId.length < 1 || userId.length > limits.userIdChars) return null;
  return { experiment, userId, expose: expose ?? true };
}

/**
 * `GET /api/v1/assign` without the framework, for the SDKs' hot path: the same checks, the
 * same `assignUser` and the same JSON answer as the Hono route, minus Hono's Request and
 * Response objects (about half the CPU of a cheap request). It answers only the plain case:
 * a valid key, a known experiment, no attributes, a valid query. It returns false for
 * everything else, and the Hono app answers that, with its 400/401/404 bodies unchanged.
 * @example const handled = fastAssign(deps)(req, res); if (!handled) honoListener(req, res);
 */
export function fastAssign(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const cache = sqliteConfigCache(deps.db);
  /** The query of a request this path takes, else null. Throws nothing: an error in a check (a broken config row) leaves the request to Hono. */
  const taken = (req: IncomingMessage): PlainQuery | null => {
    try {
      const url = req.url;
      if (req.method !== 'GET' || !url || !url.startsWith(path) || !ordinaryRequest(req)) return null;
      if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return null;
      const query = plainQuery(url.slice(path.length));
      // Any valid key may assign (sdk or admin); the Hono route answers a missing or bad one.
      if (!query || !hasValidKey(deps, req)) return null;
      return cache.get(query.experiment) ? query : null;
    } catch {
      return null;
    }
  };
  return (req, res) => {
    const query = taken(req);
    if (!query) return false;
    answerWhenDone(deps, res, 200, assignUser(deps, { userId: query.userId, experiments: [query.experiment], expose: query.expose }), 'GET /api/v1/assign');
    return true;
  };
}

