/**
 * A throwaway PostgreSQL cluster for tests: `initdb` in a temporary folder, `pg_ctl start` on a
 * free 127.0.0.1 port with its unix socket in that folder, trust authentication, no fsync.
 * `stop()` stops it (immediate mode: the data is thrown away) and deletes the folder; a small
 * watchdog shell does the same if this process dies without calling `stop()`.
 *
 * As root (CI containers) initdb refuses to run, so the folder is handed to the `postgres` OS
 * user (created by Debian's package) and the programs run through `runuser -u postgres --`.
 *
 * The cluster's default collation is ICU `en-US` where the build has ICU, like most production
 * databases (en_US.UTF-8), so a query that relies on byte order without saying so shows up here.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findPostgresBin, installAdvice } from './find-postgres.mjs';

const run = promisify(execFile);

export type Cluster = {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the maintenance database, for CREATE DATABASE. */
  adminUrl: string;
  /** The URL of database `name` on this cluster. */
  urlOf(name: string): string;
  port: number;
  /** The temporary folder (data directory, socket, log). */
  dir: string;
  version: string;
  /** How long initdb and start took, in milliseconds. */
  timings: { initdbMs: number; startMs: number };
  stop(): Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error('running as root, and initdb refuses root: the cluster runs as the OS user `postgres`, which does not exist. ' +
      'Install Debian\'s postgresql (it creates the user: `node scripts/ensure-postgres.mjs`), create the user, or run the tests as another user.');
  }
}

/**
 * Starts a fresh cluster (about 4-5 s on a slow machine, mostly initdb).
 * @example const cluster = await startCluster(); ...; await cluster.stop();
 */
export async function startCluster(): Promise<Cluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(installAdvice);
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUser() : null;
  const dir = mkdtempSync(join(tmpdir(), 'we-pg-'));
  const data = join(dir, 'data');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const as = (program: string, args: string[]) => (asRoot
    ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], { cwd: dir })
    : run(join(bin, program), args, { cwd: dir }));
  let watchdog: ReturnType<typeof spawn> | null = null;
  try {
    const t0 = performance.now();
    const common = ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8'];
    try {
      await as('initdb', [...common, '--locale=C', '--locale-provider=icu', '--icu-locale=en-US']);
    } catch {
      rmSync(data, { recursive: true, force: true }); // a build without ICU (or before 15): plain C
      await as('initdb', [...common, '--locale=C']);
    }
    const initdbMs = performance.now() - t0;
    appendFileSync(join(data, 'postgresql.conf'), [
      '', '# throwaway test cluster (tests/postgres/cluster.ts)',
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir.replace(/'/g, "''")}'`,
      'fsync = off', 'full_page_writes = off', 'max_connections = 300',
      "log_min_messages = warning", ''
    ].join('\n'));

    const t1 = performance.now();
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await as('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', `-p ${port}`, 'start']);
        break;
      } catch (err) {
        // Another process may have taken the port between freePort and start: try another one.
        if (attempt >= 3) throw err;
      }
    }
    const startMs = performance.now() - t1;

    // If this process dies without stop(), stop the cluster and delete the folder anyway.
    const pgCtlStop = asRoot ? `runuser -u postgres -- '${join(bin, 'pg_ctl')}'` : `'${join(bin, 'pg_ctl')}'`;
    watchdog = spawn('sh', ['-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${pgCtlStop} -D '${data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '${dir}'`
    ], { detached: true, stdio: 'ignore' });
    watchdog.unref();

    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const version = (await client.query<{ server_version: string }>('show server_version')).rows[0].server_version;
    await client.end();

    let stopped: Promise<void> | null = null;
    const dog = watchdog;
    return {
      adminUrl, port, dir, version, timings: { initdbMs, startMs },
      urlOf: (name) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`,
      stop: () => (stopped ??= (async () => {
        try {
          await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          if (dog.pid) { try { process.kill(-dog.pid); } catch { /* already gone */ } }
          rmSync(dir, { recursive: true, force: true });
        }
      })())
    };
  } catch (err) {
    let log = '';
    try { log = readFileSync(join(dir, 'postgres.log'), 'utf8').trim().split('\n').slice(-10).join('\n'); } catch { /* none */ }
    if (watchdog?.pid) { try { process.kill(-watchdog.pid); } catch { /* gone */ } }
    await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new Error(`could not start a throwaway PostgreSQL in ${dir}: ${detail}${log ? `\n--- postgres.log ---\n${log}` : ''}`, { cause: err });
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates database `name` through the maintenance URL of a server (the test cluster or
 * TEST_DATABASE_URL), empty or as a copy of database `template` (which nobody may be connected to).
 */
export async function createDatabase(adminUrl: string, name: string, options: { template?: string } = {}): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${quoted(name)}${options.template ? ` template ${quoted(options.template)}` : ''}`);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server of `adminUrl` (same user, host and port). */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
