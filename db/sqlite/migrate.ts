import { migrate as drizzleMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from '../config.ts';

/**
 * Finds `db/sqlite/migrations`: next to this file when run from source, else from the working
 * directory (the SvelteKit bundle lives in `build/`, where `import.meta.url` points elsewhere).
 */
function migrationsFolder(): string {
  const candidates = [
    config().migrationsPath,
    join(dirname(fileURLToPath(import.meta.url)), 'migrations'),
    resolve('db/sqlite/migrations')
  ];
  const found = candidates.find((dir) => dir && existsSync(join(dir, 'meta', '_journal.json')));
  if (!found) throw new Error(`db/sqlite/migrations not found (looked in ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

/** Applies every pending drizzle-kit migration; a no-op when the schema is current. */
export function migrate(db: BetterSQLite3Database<Record<string, unknown>>): void {
  drizzleMigrate(db, { migrationsFolder: migrationsFolder() });
}
