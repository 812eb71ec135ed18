#!/usr/bin/env node
// Makes sure the PostgreSQL tests can start a throwaway server: PostgreSQL's programs in
// /usr/lib/postgresql/*/bin or on PATH (or TEST_DATABASE_URL naming a server to use instead);
// as root on Debian it installs Debian's `postgresql` package; otherwise it says what to install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { findPostgresBin, installAdvice } from '../tests/postgres/find-postgres.mjs';

if (process.env.TEST_DATABASE_URL) {
  console.log('postgres: using the server of TEST_DATABASE_URL');
  process.exit(0);
}
const found = findPostgresBin();
if (found) {
  console.log(`postgres: ${found}`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version');
if (isRoot && isDebian) {
  console.log('postgres: none found; installing Debian\'s postgresql (apt-get install -y postgresql)...');
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run(['update']).status === 0 && run(['install', '-y', '--no-install-recommends', 'postgresql']).status === 0) {
    const installed = findPostgresBin();
    if (installed) {
      console.log(`postgres: ${installed}`);
      process.exit(0);
    }
  }
  console.error('postgres: apt-get could not install postgresql (see the output above).');
}
console.error(installAdvice);
process.exit(1);
