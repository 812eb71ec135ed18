import { afterEach, beforeEach } from 'vitest';
import type { Db } from '../../db/connection.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { tempDatabase } from './test-app.ts';

/**
 * Gives each test of the file a fresh temp database with the starter calendar seeded at
 * `nowMs`, and deletes it afterwards.
 * @example let db: Db; useSeededDatabase(nowMs, (fresh) => { db = fresh; });
 */
export function useSeededDatabase(nowMs: number, use: (db: Db) => void): void {
  let cleanup = () => {};
  beforeEach(() => {
    const t = tempDatabase();
    cleanup = t.cleanup;
    seedOnFirstStart(t.db, nowMs);
    use(t.db);
  });
  afterEach(() => cleanup());
}
