// Mutation testing of the core (issue "Tests that guard every decision"): `npm run test:mutation`.
// Incremental: results are kept in reports/mutation/incremental.json (committed), so a re-run only
// tests mutants in code or tests that changed. Equivalent mutants are listed with a reason in
// tests/mutation/equivalent-mutants.md. One folder at a time: `npm run test:mutation -- --mutate 'stats/**/*.ts'`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // related: false: run every test file in the initial run, not only those vitest finds through
  // static imports of the mutated files (the HTTP-level tests reach api/ through test helpers).
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'stats/**/*.ts',
    'calendar/reports/**/*.ts',
    'calendar/lifecycle/**/*.ts',
    'calendar/planning/**/*.ts',
    'api/assign/**/*.ts',
    'api/ingest/**/*.ts',
    // The SQLite side of ingestion (group commit, write ops, writer thread) moved here from api/ingest.
    'db/sqlite/ingest/**/*.ts',
    // The SQLite loading of api/assign's config cache.
    'db/sqlite/assign-configs.ts',
    '!**/*.test.ts',
    '!**/index.ts',
    '!**/fixtures/**'
  ],
  coverageAnalysis: 'perTest',
  // Mutants in code that runs while modules load would each re-run the whole suite (hours on
  // 2 cores); they are left out of the score. tsconfig extends .svelte-kit/tsconfig.json, which
  // Stryker leaves out of its sandbox by default.
  ignoreStatic: true,
  ignorePatterns: ['!.svelte-kit', '/reports', '/.stryker-tmp*', '/test-results', '/build'],
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  reporters: ['html', 'clear-text', 'progress', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 30_000,
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
};
