import { currentData } from '$db/open-data.ts';
import type { Data } from '$db/store/index.ts';

/**
 * The data seam over the configured engine (DATABASE_URL: the PostgreSQL pool the server
 * opened and migrated at start; else the SQLite file, the connection api/server.ts opened, as
 * the UI and the API load one db/open-data.ts): what pages and form actions pass to the domain.
 */
export function data(): Data {
  return currentData();
}
