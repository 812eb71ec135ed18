#!/usr/bin/env node
// Makes sure the multi-replica test (tests/replicas/nginx.test.ts) can start nginx as its load
// balancer: nginx at NGINX_BIN, in /usr/sbin or on PATH; as root on Debian it installs Debian's
// `nginx` package (the test runs the program with its own config: the system service is not
// needed, so it is stopped and disabled if the package started it); otherwise it says what to install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { findNginx, nginxAdvice } from '../tests/nginx/find-nginx.mjs';

const found = findNginx();
if (found) {
  console.log(`nginx: ${found}`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version');
if (isRoot && isDebian) {
  console.log('nginx: none found; installing Debian\'s nginx (apt-get install -y nginx)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (run(['update']).status === 0 && run(['install', '-y', '--no-install-recommends', 'nginx']).status === 0) {
    // Where an init system runs, the package starts a service on port 80; the test needs none.
    if (existsSync('/run/systemd/system')) spawnSync('systemctl', ['disable', '--now', 'nginx'], { stdio: 'inherit' });
    const installed = findNginx();
    if (installed) {
      console.log(`nginx: ${installed}`);
      process.exit(0);
    }
  }
  console.error('nginx: apt-get could not install nginx (see the output above).');
}
console.error(nginxAdvice);
process.exit(1);
