// The vitest configuration Stryker runs: the unit and integration tests of the core, without the
// SvelteKit plugin (no UI is mutated) and without the slow end-to-end style suites that only
// re-check what the unit tests already pin down per mutant.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{api,db,calendar,stats,tests}/**/*.test.ts'],
    // db/postgres: a PostgreSQL cluster per Stryker worker would cost more than the mutants it could kill (none of the mutated folders is PostgreSQL code).
    exclude: ['tests/e2e/**', 'tests/crash/**', 'tests/reports/correctness.test.ts', 'tests/postgres/**', 'db/postgres/**', 'node_modules/**', '.stryker-tmp*/**'],
    testTimeout: 30_000,
    pool: 'forks'
  }
});
