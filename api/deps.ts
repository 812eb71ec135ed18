import type { Db } from '../db/connection.ts';

/** What the API needs from outside: the database and a clock (injectable in tests). */
export type AppDeps = {
  db: Db;
  now: () => number;
};
