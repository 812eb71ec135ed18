/**
 * Vitest global setup: PostgreSQL for the test files that ask for it, one server per run.
 *
 * Nothing starts until a test file asks: this setup only listens on a loopback port (provided to
 * the test workers as `postgresManager`). The first request (`postgresDatabase()` in
 * tests/helpers/postgres.ts) starts a throwaway cluster (tests/postgres/cluster.ts); every request
 * creates a fresh database on it and answers its URL. At the end of the run the cluster is
 * stopped and its folder deleted. So `npx vitest run calendar/...` pays nothing, and a run with
 * PostgreSQL tests pays one cluster start (about 4-5 s on a slow machine).
 *
 * With TEST_DATABASE_URL (a maintenance URL of an existing server, for a user that may
 * CREATE DATABASE) no cluster is started: the databases are created there and dropped at the end.
 */
import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { createDatabase, databaseUrl, startCluster } from './cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>`: POST /database answers `{ url }` of a fresh PostgreSQL database. */
    postgresManager?: string;
  }
}

type Server = { adminUrl: string; stop(): Promise<void> };

async function acquire(created: string[]): Promise<Server> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    return {
      adminUrl: external,
      async stop() {
        const client = new pg.Client({ connectionString: external });
        await client.connect();
        try {
          for (const name of created) await client.query(`drop database if exists "${name}" with (force)`);
        } finally { await client.end(); }
      }
    };
  }
  const t0 = performance.now();
  const cluster = await startCluster();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`postgres: throwaway cluster ${cluster.version} on 127.0.0.1:${cluster.port} in ${cluster.dir} ` +
    `ready in ${s(performance.now() - t0)} (initdb ${s(cluster.timings.initdbMs)}, start ${s(cluster.timings.startMs)})`);
  return cluster;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: Promise<Server> | null = null;
  const created: string[] = [];
  const runId = `${Date.now().toString(36)}_${process.pid}`;

  const http = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/database') { res.writeHead(404).end(); return; }
    void (async () => {
      try {
        // One start per run; a failure is remembered, so every file gets the same message at once.
        const s = await (server ??= acquire(created));
        const name = `test_${runId}_${created.length + 1}`;
        created.push(name);
        await createDatabase(s.adminUrl, name);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: databaseUrl(s.adminUrl, name) }));
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      }
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  http.unref();
  const { port } = http.address() as { port: number };
  project.provide('postgresManager', `http://127.0.0.1:${port}`);

  return async () => {
    http.close();
    if (!server) return;
    const s = await server.catch(() => null);
    await s?.stop();
  };
}
