// Finds PostgreSQL's server programs (initdb, pg_ctl, postgres) for the throwaway test cluster.
// Shared by scripts/ensure-postgres.mjs (which may install Debian's postgresql) and
// tests/postgres/cluster.ts (which starts the cluster).
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const programs = ['initdb', 'pg_ctl', 'postgres'];
const hasAll = (dir) => programs.every((p) => existsSync(join(dir, p)));

/**
 * The folder holding initdb, pg_ctl and postgres: Debian's newest /usr/lib/postgresql/<major>/bin,
 * else the first folder on PATH that has all three (Homebrew, Fedora, a PostgreSQL build).
 * @returns {string | null}
 */
export function findPostgresBin() {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const dir = join(debian, major, 'bin');
      if (hasAll(dir)) return dir;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && hasAll(dir)) return dir;
  }
  return null;
}

/** What to install, said once for the script and the tests. */
export const installAdvice = [
  'The PostgreSQL tests start a throwaway PostgreSQL server and need its programs (initdb, pg_ctl, postgres); none were found',
  '(looked in /usr/lib/postgresql/*/bin and on PATH). Install one of:',
  '  - Debian/Ubuntu: sudo apt-get install -y postgresql   (gives /usr/lib/postgresql/<version>/bin; `node scripts/ensure-postgres.mjs` does it as root)',
  '  - Fedora/RHEL:   sudo dnf install -y postgresql-server',
  '  - macOS:         brew install postgresql@16   (puts the programs on PATH)',
  '  - or use a server you already have: TEST_DATABASE_URL=postgres://user:password@host:5432/postgres',
  '    (a user allowed to CREATE DATABASE; each test file gets a database of its own)'
].join('\n');
