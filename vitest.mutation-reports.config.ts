// The tests Stryker runs for calendar/reports/ (see README "Mutation testing"): only the tests in
// calendar/reports/, so a mutant in report code is not re-run through every HTTP-level suite that
// happens to build a report (hours on 2 cores). Scores measured this way are a lower bound: the
// full vitest.mutation.config.ts suite can only kill more. MUTATION_TESTS narrows further
// (comma-separated globs), e.g. to the pure unit tests for the pure files.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: process.env.MUTATION_TESTS?.split(',') ?? ['calendar/reports/**/*.test.ts'],
    exclude: ['node_modules/**', '.stryker-tmp*/**'],
    testTimeout: 30_000,
    pool: 'forks'
  }
});
