import { afterEach, beforeEach } from 'vitest';
import type { Db } from '../../db/sqlite/connection.ts';
import { sqliteData } from '../../db/sqlite/data.ts';
import type { Data } from '../../db/store/index.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { tempDatabase } from './test-app.ts';

/**
 * Gives each test of the file a fresh temp database with the starter calendar seeded at
 * `nowMs`, and deletes it afterwards.
 * @example let data: Data; useSeededDatabase(nowMs, (_db, fresh) => { data = fresh; });
 */
export function useSeededDatabase(nowMs: number, use: (db: Db, data: Data) => void): void {
  let cleanup = () => {};
  beforeEach(async () => {
    const t = tempDatabase();
    cleanup = t.cleanup;
    const data = sqliteData(t.db);
    await seedOnFirstStart(data, nowMs);
    use(t.db, data);
  });
  afterEach(() => cleanup());
}
