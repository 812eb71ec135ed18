/**
 * The shared suite: the integration test files that run once per engine (vite.config.ts,
 * project "postgres", TEST_ENGINE=postgres; project "sqlite" runs every file). Like Drizzle's
 * own integration tests, one set of tests and a connection per engine: here every file built on
 * `createTestApp()` (tests/helpers/test-app.ts), which opens the engine of TEST_ENGINE.
 *
 * A file that is about one engine's machinery is left out below, with the reason; a single test
 * that is SQLite-only says so itself (`describe.skipIf(onPostgres)` / `it.skipIf`, tests/helpers/engine.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';

/** Files on `createTestApp()` that test SQLite-only machinery, and why. */
export const sqliteOnlyFiles: Record<string, string> = {
  'api/assign/fast-path.test.ts': 'the fast paths in front of Hono are SQLite-only (api/listener.ts turns them off on PostgreSQL)',
  'api/assign/fast-path-query.test.ts': 'the SQLite-only assign fast path',
  'api/ingest/fast-path.test.ts': 'the SQLite-only events fast path',
  'api/ingest/fast-path-taken.test.ts': 'the SQLite-only events fast path',
  'api/ingest/fast-path-errors.test.ts': 'the SQLite-only events fast path, broken through SQLite triggers',
  'api/ingest/fast-path-fallback.test.ts': 'the SQLite-only events fast path',
  'api/sdk/fast-path.test.ts': 'the SQLite-only SDK payload fast path',
  'api/listener.test.ts': 'the fast paths\' middleware list (SQLite-only fast paths)',
  'db/sqlite/report-runner.test.ts': 'the SQLite report runner (PostgreSQL\'s: db/postgres/stores.test.ts, tests/postgres/reports-engines.test.ts)',
  'db/copy.test.ts': 'copies a SQLite database into PostgreSQL: the source is SQLite by definition',
  'tests/faults/database-faults.test.ts': 'SQLite\'s write lock and SQLITE_FULL, held by a second SQLite connection'
};

const roots = ['api', 'db', 'calendar', 'stats', 'tests', 'web', 'scripts'];

/**
 * The shared suite's files (relative, `/`-separated): every test file that calls `createTestApp(`,
 * except `sqliteOnlyFiles`. Read at config load: a new integration file joins without a list to edit.
 * @example sharedSuiteFiles(process.cwd()).includes('api/ofrep/ofrep.test.ts') // true
 */
export function sharedSuiteFiles(root: string): string[] {
  const files: string[] = [];
  for (const dir of roots) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
      const path = `${dir}/${entry.split(sep).join('/')}`;
      if (!path.endsWith('.test.ts') || path.includes('node_modules/') || path.startsWith('tests/e2e/')) continue;
      if (path in sqliteOnlyFiles) continue;
      if (readFileSync(join(root, path), 'utf8').includes('createTestApp(')) files.push(path);
    }
  }
  return files.sort();
}
