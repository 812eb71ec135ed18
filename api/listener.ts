import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { App } from './app.ts';
import type { AppDeps } from './deps.ts';
import { fastAssign } from './assign/fast-path.ts';

/**
 * The API as a node:http listener: the plain `GET /api/v1/assign` is answered without the
 * framework (api/assign/fast-path.ts), everything else by the Hono app. Used by every server
 * that serves the API (npm start, the dev server, the crash test and the benchmark).
 * @example createServer(apiListener(app, deps)).listen(3000);
 */
export function apiListener(app: App, deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const hono = getRequestListener(app.fetch);
  const assign = fastAssign(deps);
  return (req, res) => {
    if (!assign(req, res)) void hono(req, res);
  };
}
