// Stryker for calendar/reports/ with its own tests only (vitest.mutation-reports.config.ts):
// `npx stryker run stryker.reports.config.mjs --mutate 'calendar/reports/decide.ts'`.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { ...base.vitest, configFile: 'vitest.mutation-reports.config.ts' },
  incrementalFile: 'reports/mutation/incremental-calendar-reports.json',
  tempDirName: '.stryker-tmp-reports',
  concurrency: 1
};
