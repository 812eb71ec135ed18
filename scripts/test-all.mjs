// `npm test`: everything CI checks, in the order that fails fastest and with the two
// single-threaded steps overlapped on a 2-core machine:
//   1. the browser and PostgreSQL the tests need (installed as root on Debian, else a clear message);
//   2. type checking (`npm run check`) and the production build of the UI, side by side;
//   3. vitest, shuffled, in a time zone far from UTC (scripts/test-unit.mjs);
//   4. Playwright against the real server and that build (tests/e2e).
// Each step's time is printed at the end. Arguments are not passed on: run the steps alone
// (`npm run check`, `npm run test:unit -- <files>`, `npm run test:e2e`) to narrow a run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const times = [];

/** Runs a command with inherited output; resolves with its exit code (signals count as failures). */
function run(label, command, args, env = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (error) => { console.error(`${label}: ${error.message}`); resolve(1); });
    child.on('exit', (code) => {
      times.push([label, (Date.now() - started) / 1000, code]);
      resolve(code ?? 1);
    });
  });
}

function finish(code) {
  console.log('\n== npm test: time per step');
  for (const [label, seconds, status] of times) console.log(`${label.padEnd(28)} ${seconds.toFixed(1).padStart(7)} s  ${status === 0 ? 'ok' : `failed (${status})`}`);
  process.exit(code);
}

const node = process.execPath;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

for (const [label, script] of [['browser', 'scripts/ensure-browser.mjs'], ['postgresql', 'scripts/ensure-postgres.mjs']]) {
  const code = await run(label, node, [script]);
  if (code !== 0) finish(code);
}

// svelte-kit sync first (both steps read what it generates; it writes only files that changed).
if ((await run('svelte-kit sync', npm, ['exec', '--', 'svelte-kit', 'sync'])) !== 0) finish(1);
console.log('== type check and UI build, side by side');
const [check, build] = await Promise.all([
  run('check (svelte-check)', npm, ['exec', '--', 'svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings']),
  run('build (vite build)', npm, ['exec', '--', 'vite', 'build', '--logLevel', 'warn'])
]);
if (check !== 0 || build !== 0) finish(1);

if ((await run('vitest', node, ['scripts/test-unit.mjs'])) !== 0) finish(1);
const e2e = await run('playwright', npm, ['exec', '--', 'playwright', 'test']);
times.push(['total', (Date.now() - started) / 1000, e2e]);
finish(e2e);
