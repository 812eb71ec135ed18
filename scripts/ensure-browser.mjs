#!/usr/bin/env node
// Makes sure the end-to-end tests have a Chromium: Playwright's own, else /usr/bin/chromium;
// as root on Debian it installs Debian's `chromium` package; otherwise it says what to do.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { findChromium } from '../tests/e2e/find-browser.mjs';

const found = findChromium();
if (found) {
  console.log(`browser: ${found}`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version');
if (isRoot && isDebian) {
  console.log('browser: none found; installing Debian\'s chromium (apt-get install -y chromium)...');
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run(['update']).status === 0 && run(['install', '-y', '--no-install-recommends', 'chromium']).status === 0) {
    const installed = findChromium();
    if (installed) {
      console.log(`browser: ${installed}`);
      process.exit(0);
    }
  }
  console.error('browser: apt-get could not install chromium (see the output above).');
}
console.error([
  'The end-to-end tests need Chromium and none was found.',
  'Install one of:',
  '  - Debian/Ubuntu: sudo apt-get install -y chromium   (gives /usr/bin/chromium)',
  '  - Playwright\'s own build: npx playwright install chromium   (needs internet access)',
  '  - any Chromium/Chrome, then set CHROMIUM_PATH=/path/to/chrome'
].join('\n'));
process.exit(1);
