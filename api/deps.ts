import type { Db } from '../db/connection.ts';
import type { Data } from '../db/store/index.ts';

/**
 * What the API needs from outside: the data seam, and a clock (injectable in tests). `db` is
 * the SQLite connection itself, for the hot paths that write through their own group commit
 * (assignment exposures, events) and for health checks.
 */
export type AppDeps = {
  data: Data;
  db: Db;
  now: () => number;
};
