import { openDatabase, type Db } from '$db/connection.ts';

/**
 * The database the pages read. In production api/server.ts has already opened it, and
 * `openDatabase` returns that same connection (shared through globalThis).
 */
export function db(): Db {
  return openDatabase();
}
