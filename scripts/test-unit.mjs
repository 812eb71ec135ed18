// `npm run test:unit`: the vitest suite in a shuffled order and in a time zone far from UTC, so
// that a test relying on another test's data, on running first, or on UTC calendar days fails here.
// The store contract runs on SQLite and on a throwaway PostgreSQL (scripts/ensure-postgres.mjs first),
// and so does the shared integration suite: vitest projects `sqlite` and `postgres` (vite.config.ts);
// `npm run test:unit -- --project postgres` runs one engine.
// Vitest prints the seed ("Running tests with seed N"); repeat a failing order with
// `npm run test:unit -- --sequence.seed=N`. TEST_TZ picks another zone (e.g. TEST_TZ=Pacific/Pago_Pago, UTC-11).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const TZ = process.env.TEST_TZ ?? 'Pacific/Kiritimati'; // UTC+14

// The PostgreSQL tests start a throwaway server (tests/postgres/global-setup.ts): make sure its
// programs are here (installs Debian's postgresql as root), else stop and say what to install.
const postgres = spawnSync(process.execPath, [fileURLToPath(new URL('ensure-postgres.mjs', import.meta.url))], { stdio: 'inherit' });
if (postgres.status !== 0) process.exit(postgres.status ?? 1);
// The multi-replica test puts nginx in front of two replicas (tests/replicas/nginx.test.ts): the same for nginx.
const nginx = spawnSync(process.execPath, [fileURLToPath(new URL('ensure-nginx.mjs', import.meta.url))], { stdio: 'inherit' });
if (nginx.status !== 0) process.exit(nginx.status ?? 1);

console.log(`== vitest, shuffled, TZ=${TZ}`);
const run = spawnSync(process.execPath, [vitest, 'run', '--sequence.shuffle', ...process.argv.slice(2)], {
  stdio: 'inherit', env: { ...process.env, TZ }
});
process.exit(run.status ?? 1);
