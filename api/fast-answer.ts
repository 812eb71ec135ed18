import type { ServerResponse } from 'node:http';

/** The body `onError` gives an unexpected error (api/errors.ts), for the fast paths. */
export const internalError = JSON.stringify({ error: { code: 'internal_error', message: 'Internal server error' } });

/** Writes a JSON answer as Hono's `c.json` does: the same status, type and body. */
export function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}
