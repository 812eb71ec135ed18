import { openDatabase, type Db } from '$db/connection.ts';
import { currentData } from '$db/open-data.ts';
import type { Data } from '$db/store/index.ts';

/**
 * The SQLite database the pages read. In production api/server.ts has already opened it, and
 * `openDatabase` returns that same connection (the UI and the API load one db/connection.ts).
 * SQLite only: pages that still use it do not work with DATABASE_URL.
 */
export function db(): Db {
  return openDatabase();
}

/**
 * The data seam over the configured engine (DATABASE_URL: the PostgreSQL pool the server
 * opened and migrated at start; else the SQLite file): what pages and form actions pass to the domain.
 */
export function data(): Data {
  return currentData();
}
