import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase, type Db } from '../../db/sqlite/connection.ts';
import { createApp, type App } from '../../api/app.ts';
import type { AppDeps } from '../../api/deps.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { createApiKey } from '../../api/auth/index.ts';
import { sqliteData } from '../../db/sqlite/data.ts';
import type { Data } from '../../db/store/index.ts';

/** A fresh database file in a temporary folder; `cleanup` closes and deletes it. */
export function tempDatabase(): { path: string; db: Db; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wx-test-'));
  const path = join(dir, 'app.db');
  const db = openDatabase(path);
  return {
    path, db,
    cleanup: () => { closeDatabase(path); rmSync(dir, { recursive: true, force: true }); }
  };
}

export type TestApp = {
  app: App; db: Db; data: Data; path: string; clock: { nowMs: number }; cleanup: () => void;
  /** What the app was built with (for `apiListener`). */
  deps: AppDeps;
  /** Keys created for the test: admin (everything) and sdk (assign, exposures, events, OFREP). */
  adminKey: string; sdkKey: string;
  /** `app.request` with `Authorization: Bearer <adminKey>` (or `key`), JSON bodies stringified. */
  authed: (path: string, init?: Omit<RequestInit, 'body'> & { body?: unknown; key?: string }) => Promise<Response>;
};

/**
 * The real API over a real, migrated SQLite file, with an injectable clock.
 * `seed` loads the starter calendar as a first start would. The clock starts at `nowMs`, by default
 * Monday 23 November 2026, 09:00 in the machine's time zone: the product counts calendar days in
 * local time (calendar/dates.ts), so a UTC instant would be a Sunday west of UTC-9.
 */
export async function createTestApp(options: { seed?: boolean; nowMs?: number } = {}): Promise<TestApp> {
  const database = tempDatabase();
  const clock = { nowMs: options.nowMs ?? new Date(2026, 10, 23, 9).getTime() };
  const data = sqliteData(database.db);
  if (options.seed ?? true) await seedOnFirstStart(data, clock.nowMs);
  const deps: AppDeps = { data, db: database.db, now: () => clock.nowMs };
  const app = createApp(deps);
  const keyCtx = { actor: 'test', nowMs: clock.nowMs };
  const adminKey = (await createApiKey(data, { name: 'test admin', scope: 'admin' }, keyCtx)).key;
  const sdkKey = (await createApiKey(data, { name: 'test sdk', scope: 'sdk' }, keyCtx)).key;
  const authed: TestApp['authed'] = (path, init = {}) => {
    const { key, body, headers, ...rest } = init;
    const h = new Headers(headers);
    h.set('authorization', `Bearer ${key ?? adminKey}`);
    if (body !== undefined && typeof body !== 'string') h.set('content-type', 'application/json');
    return Promise.resolve(app.request(path, {
      ...rest, headers: h,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
    }));
  };
  return { app, deps, db: database.db, data, path: database.path, clock, cleanup: database.cleanup, adminKey, sdkKey, authed };
}
