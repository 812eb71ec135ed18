// Stryker for one core folder with a narrow set of tests (issue 10, README "Mutation testing"):
// MUTATION_TESTS (comma-separated globs, read by vitest.mutation-core.config.ts; MUTATION_ISOLATE=false for a quick first pass) picks the
// tests and MUTATION_FOLDER names the incremental file and the report folder, so runs of
// different folders (by different engineers at the same time) never share a file or a sandbox:
// MUTATION_FOLDER=api-assign MUTATION_TESTS='api/assign/**/*.test.ts' \
//   npx stryker run stryker.core.config.mjs --mutate 'api/assign/hash.ts' --concurrency 1
import base from './stryker.config.mjs';

const folder = process.env.MUTATION_FOLDER ?? 'core';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { ...base.vitest, configFile: 'vitest.mutation-core.config.ts' },
  incrementalFile: `reports/mutation/incremental-${folder}.json`,
  htmlReporter: { fileName: `reports/mutation/${folder}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${folder}/mutation.json` },
  tempDirName: `.stryker-tmp-${folder}`,
  concurrency: 1
};
