import { openDatabase, type Db } from '$db/connection.ts';
import { sqliteData } from '$db/sqlite/data.ts';
import type { Data } from '$db/store/index.ts';

/**
 * The database the pages read. In production api/server.ts has already opened it, and
 * `openDatabase` returns that same connection (the UI and the API load one db/connection.ts).
 */
export function db(): Db {
  return openDatabase();
}

/** The data seam over that database: what pages and form actions pass to the domain. */
export function data(): Data {
  return sqliteData(openDatabase());
}
