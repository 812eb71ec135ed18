import { openDatabase, type Db } from '../db/connection.ts';
import { sqliteData } from '../db/sqlite/data.ts';
import { seedOnFirstStart } from '../calendar/seed/index.ts';
import { createApp, type App } from './app.ts';
import type { AppDeps } from './deps.ts';
import { ensureAdminKey } from './auth/index.ts';
import { now as clockNow } from '../calendar/clock.ts';

export type Bootstrapped = {
  db: Db; app: App; deps: AppDeps; seededPlanId: number | null;
  /** The admin key created on this start (none existed and ADMIN_API_KEY is unset): print it once. */
  createdAdminKey: string | null;
};

/**
 * Opens and migrates the database, loads the starter calendar on first start, and builds
 * the API. Shared by `npm start` (api/server.ts) and `npm run dev` (api/dev-plugin.ts).
 */
export async function bootstrap(options: { databasePath?: string; now?: () => number } = {}): Promise<Bootstrapped> {
  const now = options.now ?? clockNow;
  const db = openDatabase(options.databasePath);
  const data = sqliteData(db);
  const seeded = await seedOnFirstStart(data, now());
  const deps: AppDeps = { data, db, now };
  const app = createApp(deps);
  const createdAdminKey = await ensureAdminKey(data, now());
  return { db, app, deps, seededPlanId: seeded?.planId ?? null, createdAdminKey };
}
