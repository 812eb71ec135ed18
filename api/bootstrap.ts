import type { Db } from '../db/sqlite/connection.ts';
import { openData } from '../db/open-data.ts';
import { config } from '../db/config.ts';
import type { PgDb } from '../db/postgres/connection.ts';
import { seedOnFirstStart } from '../calendar/seed/index.ts';
import { createApp, type App } from './app.ts';
import type { AppDeps } from './deps.ts';
import { ensureAdminKey } from './auth/index.ts';
import { postgresHotPaths, sqliteOnly } from './engine/index.ts';
import { now as clockNow } from '../calendar/clock.ts';
import { soleReplica, type Replicas } from '../db/store/replicas.ts';
import { postgresLeadership } from '../db/postgres/leadership.ts';
import { postgresChangeFeed } from '../db/postgres/change-feed.ts';

export type Bootstrapped = {
  /** The SQLite connection; on PostgreSQL it throws on use (see `pg`). */
  db: Db; app: App; deps: AppDeps; seededPlanId: number | null;
  /** The PostgreSQL pool when `DATABASE_URL` is set, else null. */
  pg: PgDb | null;
  /** The admin key created on this start (none existed and ADMIN_API_KEY is unset): print it once. */
  createdAdminKey: string | null;
  /** Leader election and change feed among the processes on this database (api/replicas.ts starts them). */
  replicas: Replicas;
};

/**
 * Opens and migrates the configured database (`DATABASE_URL` selects PostgreSQL, else the SQLite
 * file), loads the starter calendar on first start, and builds the API. Shared by `npm start`
 * (api/server.ts) and `npm run dev` (api/dev-plugin.ts).
 */
export async function bootstrap(options: { databasePath?: string; databaseUrl?: string; now?: () => number } = {}): Promise<Bootstrapped> {
  const now = options.now ?? clockNow;
  const settings = options.databaseUrl ? { ...config(), databaseUrl: options.databaseUrl } : config();
  const opened = await openData(settings, { databasePath: options.databasePath });
  const data = opened.data;
  const deps: AppDeps = opened.engine === 'postgres'
    ? { data, db: sqliteOnly, now, postgres: postgresHotPaths(opened.pg, data) }
    : { data, db: opened.db, now };
  const seeded = await seedOnFirstStart(data, now());
  const app = createApp(deps);
  const createdAdminKey = await ensureAdminKey(data, now());
  const replicas: Replicas = opened.engine === 'postgres'
    ? { leadership: postgresLeadership(settings.databaseUrl!), changeFeed: () => postgresChangeFeed(settings.databaseUrl!) }
    : soleReplica;
  return { db: deps.db, pg: opened.engine === 'postgres' ? opened.pg : null, app, deps, seededPlanId: seeded?.planId ?? null, createdAdminKey, replicas };
}
