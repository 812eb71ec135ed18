/**
 * nginx as a load balancer for tests and benchmarks: `startNginx` writes a config into a
 * folder of the caller's (round robin over `upstreams`, listening on a free loopback port, pid,
 * logs and temp files in that folder, `daemon off`) and runs nginx as a child process of this
 * one. No system service is used or changed. nginx comes from scripts/ensure-nginx.mjs.
 * @example const lb = await startNginx(dir, ['127.0.0.1:4001', '127.0.0.1:4002']); ...; await lb.stop();
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { findNginx, nginxAdvice } from './find-nginx.mjs';

export type Nginx = {
  url: string; pid: number;
  /** The access log so far: `METHOD URI STATUS upstream=ADDR[, ADDR] statuses=S[, S]`, one line a request. */
  log(): string;
  /** Graceful stop (SIGQUIT); resolves when nginx has exited. */
  stop(): Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The config: round robin over `upstreams`; a replica that refuses or drops a connection is
 * skipped (`proxy_next_upstream error timeout`, which nginx applies to idempotent methods).
 * Assignment and ingestion POSTs are idempotent too (events carry ids, a user's first exposure
 * is kept, assignment is a hash), so they are passed on as well (`non_idempotent`); other POSTs
 * (creating an experiment) are not. Upstream connections are kept alive.
 */
export function nginxConfig(dir: string, port: number, upstreams: string[]): string {
  const proxy = `
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 5s;
      proxy_read_timeout 120s;`;
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 1024; }
http {
  log_format lb '$request_method $uri $status upstream=$upstream_addr statuses=$upstream_status';
  access_log ${dir}/access.log lb;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 10m;
  client_body_buffer_size 4m;
  upstream replicas {
${upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=30s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {${proxy}
      proxy_next_upstream error timeout;
    }
    location ~ ^/api/v1/(assign|exposures|events)$ {${proxy}
      proxy_next_upstream error timeout non_idempotent;
    }
  }
}
`;
}

/** Starts nginx in front of `upstreams` (host:port each) and resolves once it answers `GET /api/v1/health`. */
export async function startNginx(dir: string, upstreams: string[]): Promise<Nginx> {
  const bin = findNginx();
  if (!bin) throw new Error(nginxAdvice);
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, upstreams));
  // As root, nginx's worker runs as `nobody` and creates its temp folders under `dir`.
  chmodSync(dir, 0o755);
  const child = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => { output += c; });
  child.stderr!.on('data', (c: Buffer) => { output += c; });
  const errors = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${output}\n${errors()}`);
    const res = await fetch(`${url}/api/v1/health`).catch(() => null);
    if (res?.ok) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`nginx did not answer within 30 s: ${output}\n${errors()}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, pid: child.pid!,
    log: () => (existsSync(join(dir, 'access.log')) ? readFileSync(join(dir, 'access.log'), 'utf8') : ''),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT'); // graceful: the master stops its worker and removes its pid file
      await exited;
    }
  };
}
