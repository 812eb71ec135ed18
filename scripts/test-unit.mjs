// `npm run test:unit`: the vitest suite in a shuffled order and in a time zone far from UTC, so
// that a test relying on another test's data, on running first, or on UTC calendar days fails here.
// Vitest prints the seed ("Running tests with seed N"); repeat a failing order with
// `npm run test:unit -- --sequence.seed=N`. TEST_TZ picks another zone (e.g. TEST_TZ=Pacific/Pago_Pago, UTC-11).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const TZ = process.env.TEST_TZ ?? 'Pacific/Kiritimati'; // UTC+14
console.log(`== vitest, shuffled, TZ=${TZ}`);
const run = spawnSync(process.execPath, [vitest, 'run', '--sequence.shuffle', ...process.argv.slice(2)], {
  stdio: 'inherit', env: { ...process.env, TZ }
});
process.exit(run.status ?? 1);
