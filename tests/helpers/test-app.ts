import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase, type Db } from '../../db/connection.ts';
import { createApp, type App } from '../../api/app.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';

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

export type TestApp = { app: App; db: Db; path: string; clock: { nowMs: number }; cleanup: () => void };

/**
 * The real API over a real, migrated SQLite file, with an injectable clock.
 * `seed` loads the starter calendar as a first start would.
 */
export function createTestApp(options: { seed?: boolean; nowMs?: number } = {}): TestApp {
  const database = tempDatabase();
  const clock = { nowMs: options.nowMs ?? Date.parse('2026-11-23T09:00:00Z') };
  if (options.seed ?? true) seedOnFirstStart(database.db, clock.nowMs);
  const app = createApp({ db: database.db, now: () => clock.nowMs });
  return { app, db: database.db, path: database.path, clock, cleanup: database.cleanup };
}
