// The tests Stryker runs for one core folder (stryker.core.config.mjs, README "Mutation testing"):
// MUTATION_TESTS (comma-separated globs, required) names them, e.g. only api/assign's own tests.
// MUTATION_ISOLATE=false reuses the worker's module cache between mutant runs: each run then
// skips re-importing Hono, drizzle and zod (seconds per test file on a loaded 2-core machine), at
// the risk of state a module keeps between runs: a survivor of such a run is only listed as
// equivalent after its reason is checked in the code (or it is re-run with isolation on, the default).
import { defineConfig } from 'vitest/config';

const tests = process.env.MUTATION_TESTS?.split(',');
if (!tests) throw new Error('vitest.mutation-core.config.ts: set MUTATION_TESTS to the test globs to run');

export default defineConfig({
  test: {
    include: tests,
    exclude: ['node_modules/**', '.stryker-tmp*/**'],
    testTimeout: 30_000,
    pool: 'forks',
    isolate: process.env.MUTATION_ISOLATE !== 'false'
  }
});
