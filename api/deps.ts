import type { Db } from '../db/sqlite/connection.ts';
import type { Data } from '../db/store/index.ts';
import type { PostgresHotPaths } from './engine/index.ts';

/**
 * What the API needs from outside: the data seam, and a clock (injectable in tests). `db` is
 * the SQLite connection itself, for the hot paths that write through their own group commit
 * (assignment exposures, events) and for health checks. On PostgreSQL (`DATABASE_URL`),
 * `postgres` holds those hot paths instead and `db` throws on use (api/engine `sqliteOnly`).
 */
export type AppDeps = {
  data: Data;
  db: Db;
  now: () => number;
  postgres?: PostgresHotPaths;
};
