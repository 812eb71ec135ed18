import type { IncomingMessage, ServerResponse } from 'node:http';
import { bootstrap } from './bootstrap.ts';
import { apiListener } from './listener.ts';

const { app, deps, createdAdminKey } = bootstrap();
if (createdAdminKey) console.log(`created an admin API key (shown only now, store it safely): ${createdAdminKey}`);
const listener = apiListener(app, deps);

/** Handles one API request inside Vite's dev server (see api/dev-plugin.ts). */
export function handle(req: IncomingMessage, res: ServerResponse): void {
  return listener(req, res);
}
