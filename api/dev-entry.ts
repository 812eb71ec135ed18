import type { IncomingMessage, ServerResponse } from 'node:http';
import { bootstrap } from './bootstrap.ts';
import { apiListener } from './listener.ts';
import { reportsFor } from '../db/sqlite/reports.ts';
import { schedulerIntervalMs, startScheduler, type SchedulerHandle } from '../calendar/lifecycle/index.ts';

const { app, deps, createdAdminKey } = await bootstrap();
if (createdAdminKey) console.log(`created an admin API key (shown only now, store it safely): ${createdAdminKey}`);
if (!deps.postgres) reportsFor(deps.db); // the analysis thread starts now, not at the first report
const listener = apiListener(app, deps);

// The scheduler, as `npm start` runs it: one per process. Held on globalThis for hot reload: a
// re-run of this module (an edit under `npm run dev`) stops the previous one instead of adding a second.
const schedulerKey = Symbol.for('weekly-experiments.dev-scheduler');
const holder = globalThis as unknown as Record<symbol, SchedulerHandle | undefined>;
holder[schedulerKey]?.stop();
holder[schedulerKey] = startScheduler(deps.data, { now: deps.now, intervalMs: schedulerIntervalMs() });

/** Handles one API request inside Vite's dev server (see api/dev-plugin.ts). */
export function handle(req: IncomingMessage, res: ServerResponse): void {
  return listener(req, res);
}
