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
 * `POST /database?migrated=1` answers a database with every migration and the report store's
 * schema already applied: a copy (`CREATE DATABASE … TEMPLATE`) of one template database migrated
 * once per run; `?seed=<nowMs>` a copy of one with the starter calendar also loaded as a first
 * start at that instant would (one template per instant). So the shared suite's apps on PostgreSQL
 * (tests/helpers/test-app.ts) pay a file copy, not the migrations and the seed. `?template=<name>`
 * copies a database of this run (a test app's snapshot).
 *
 * Both vitest projects (sqlite, postgres: vite.config.ts) run this setup; they share one manager
 * and one cluster (kept on globalThis), stopped after the last project's teardown.
 *
 * With TEST_DATABASE_URL (a maintenance URL of an existing server, for a user that may
 * CREATE DATABASE) no cluster is started: the databases are created there and dropped at the end.
 */
import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { createDatabase, databaseUrl, startCluster } from './cluster.ts';
import { migratePostgres, openPostgres } from '../../db/postgres/connection.ts';
import { ensureReportStore } from '../../db/postgres/report-store-schema.ts';
import { postgresData } from '../../db/postgres/data.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';

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

type Manager = { url: string; users: number; stop(): Promise<void> };
const managerKey = Symbol.for('weekly-experiments.postgres-test-manager');
const holder = globalThis as unknown as Record<symbol, Promise<Manager> | undefined>;

/**
 * Fills template database `url` (a copy of the migrated template when `seedNowMs` is given),
 * then closes every connection to it: a template must have none.
 */
async function prepareTemplate(url: string, seedNowMs: number | null): Promise<void> {
  const db = openPostgres(url, { poolSize: 1, applicationName: 'test-template' });
  try {
    if (seedNowMs === null) {
      await migratePostgres(db);
      await ensureReportStore(db.$client);
    } else {
      // The starter calendar as a first start at that instant loads it (tests/helpers/test-app.ts `seed`).
      await seedOnFirstStart(postgresData(db), seedNowMs);
    }
  } finally {
    await db.$client.end();
  }
}

async function startManager(): Promise<Manager> {
  let server: Promise<Server> | null = null;
  const templates = new Map<string, Promise<string>>();
  const created: string[] = [];
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  // One CREATE DATABASE at a time: a copy fails while another session is connected to its template.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  /** Template `kind` (made once per run, from `from` or empty): migrated, or migrated and seeded at `seedNowMs`. */
  const template = (s: Server, kind: string, seedNowMs: number | null, from?: string): Promise<string> => {
    let made = templates.get(kind);
    if (!made) {
      made = serially(async () => {
        const t0 = performance.now();
        const name = `template_${runId}_${kind}`.slice(0, 63);
        created.push(name);
        await createDatabase(s.adminUrl, name, { template: from });
        await prepareTemplate(databaseUrl(s.adminUrl, name), seedNowMs);
        console.log(`postgres: template database ${name} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        return name;
      });
      templates.set(kind, made);
      made.catch(() => templates.delete(kind)); // a failed template is tried again by the next request
    }
    return made;
  };

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://manager');
    if (req.method !== 'POST' || url.pathname !== '/database') { res.writeHead(404).end(); return; }
    void (async () => {
      try {
        // One start per run; a failure is remembered, so every file gets the same message at once.
        const s = await (server ??= acquire(created));
        const name = `test_${runId}_${created.length + 1}`;
        created.push(name);
        const seed = url.searchParams.get('seed');
        const copyOf = url.searchParams.get('template');
        if (copyOf !== null) {
          // A snapshot of a test app (tests/helpers/test-app.ts snapshotTestApp): only this run's databases.
          if (!created.includes(copyOf)) throw new Error(`template ${copyOf} is not a database of this run`);
          await serially(() => createDatabase(s.adminUrl, name, { template: copyOf }));
        } else if (url.searchParams.get('migrated') === '1' || seed !== null) {
          const from = await template(s, 'migrated', null);
          const seeded = seed === null ? from : await template(s, `seeded_${seed}`, Number(seed), from);
          await serially(() => createDatabase(s.adminUrl, name, { template: seeded }));
        } else {
          await createDatabase(s.adminUrl, name);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: databaseUrl(s.adminUrl, name) }));
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      }
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  http.unref();
  const { port } = http.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`, users: 0,
    async stop() {
      http.close();
      if (!server) return;
      const s = await server.catch(() => null);
      await s?.stop();
    }
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const manager = await (holder[managerKey] ??= startManager());
  manager.users++;
  project.provide('postgresManager', manager.url);
  return async () => {
    if (--manager.users > 0) return;
    holder[managerKey] = undefined;
    await manager.stop();
  };
}
