/**
 * The database engine the shared suite runs on in this worker: `TEST_ENGINE=sqlite|postgres`,
 * set per vitest project (vite.config.ts: project "sqlite" runs everything, project "postgres"
 * the shared integration files). A test-only variable, so it is read here and not in
 * db/config.ts, which holds what the server reads.
 */
export type TestEngine = 'sqlite' | 'postgres';

/**
 * The engine of this run (SQLite when TEST_ENGINE is unset); a value that is neither stops the test.
 * @example const t = await createTestApp({ engine: testEngine() }); // the default anyway
 */
export function testEngine(env: Record<string, string | undefined> = process.env): TestEngine {
  const value = env.TEST_ENGINE?.trim() || 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') throw new Error(`TEST_ENGINE: must be sqlite or postgres (got "${value}")`);
  return value;
}

/** Whether this run is on PostgreSQL: for `describe.skipIf(onPostgres)` on a test that is SQLite-only (say why next to it). */
export const onPostgres = testEngine() === 'postgres';
