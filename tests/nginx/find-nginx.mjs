// Finds the nginx program for the multi-replica test behind a load balancer
// (tests/replicas/nginx.test.ts). Shared by scripts/ensure-nginx.mjs (which may install
// Debian's nginx) and the test (which starts nginx from a config of its own).
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The path of the nginx program: NGINX_BIN, Debian's /usr/sbin/nginx, else the first `nginx` on PATH.
 * @returns {string | null}
 * @example findNginx() // '/usr/sbin/nginx'
 */
export function findNginx() {
  if (process.env.NGINX_BIN) return existsSync(process.env.NGINX_BIN) ? process.env.NGINX_BIN : null;
  for (const dir of ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin', '/opt/homebrew/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  return null;
}

/** What to install, said once for the script and the test. */
export const nginxAdvice = [
  'The multi-replica test puts nginx in front of two server processes and needs the nginx program; none was found',
  '(looked at NGINX_BIN, /usr/sbin, /usr/local/sbin and PATH). Install one of:',
  '  - Debian/Ubuntu: sudo apt-get install -y nginx   (`node scripts/ensure-nginx.mjs` does it as root)',
  '  - Fedora/RHEL:   sudo dnf install -y nginx',
  '  - macOS:         brew install nginx',
  '  - or point NGINX_BIN at an nginx binary. The test runs it as a child process with a config in a',
  '    temporary folder (no system service is used or changed).'
].join('\n');
