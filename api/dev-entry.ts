import type { IncomingMessage, ServerResponse } from 'node:http';
import { bootstrap } from './bootstrap.ts';
import { apiListener } from './listener.ts';
import { reportsFor } from '../db/sqlite/reports.ts';
import { startReplicaDuties, type ReplicaDuties } from './replicas.ts';

const { app, deps, createdAdminKey, replicas } = await bootstrap();
if (createdAdminKey) console.log(`created an admin API key (shown only now, store it safely): ${createdAdminKey}`);
if (!deps.postgres) reportsFor(deps.db); // the analysis thread starts now, not at the first report
const listener = apiListener(app, deps);

// The scheduler (in the leader) and the change feed, as `npm start` runs them. Held on globalThis
// for hot reload: a re-run of this module (an edit under `npm run dev`) stops the previous ones
// instead of adding a second.
const dutiesKey = Symbol.for('weekly-experiments.dev-scheduler');
const holder = globalThis as unknown as Record<symbol, ReplicaDuties | undefined>;
await holder[dutiesKey]?.stop();
holder[dutiesKey] = startReplicaDuties(deps, replicas);

/** Handles one API request inside Vite's dev server (see api/dev-plugin.ts). */
export function handle(req: IncomingMessage, res: ServerResponse): void {
  return listener(req, res);
}
