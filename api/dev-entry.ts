import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { bootstrap } from './bootstrap.ts';

const { app, createdAdminKey } = bootstrap();
if (createdAdminKey) console.log(`created an admin API key (shown only now, store it safely): ${createdAdminKey}`);
const listener = getRequestListener(app.fetch);

/** Handles one API request inside Vite's dev server (see api/dev-plugin.ts). */
export function handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
  return listener(req, res);
}
