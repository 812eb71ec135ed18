import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase, type Db } from '../../db/sqlite/connection.ts';
import { createApp, type App } from '../../api/app.ts';
import type { AppDeps } from '../../api/deps.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { createApiKey } from '../../api/auth/index.ts';
import { sqliteData } from '../../db/sqlite/data.ts';
import type { Data } from '../../db/store/index.ts';
import { openPostgres } from '../../db/postgres/connection.ts';
import { postgresData } from '../../db/postgres/data.ts';
import { postgresHotPaths, sqliteOnly } from '../../api/engine/index.ts';
import { postgresDatabase } from './postgres.ts';
import { testEngine, type TestEngine } from './engine.ts';
import { postgresRows, sqliteRows, type AppRows } from './app-rows.ts';

/** A fresh database file in a temporary folder (a copy of the closed file `from`, if given); `cleanup` closes and deletes it. */
export function tempDatabase(from?: string): { path: string; db: Db; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wx-test-'));
  const path = join(dir, 'app.db');
  if (from) copyFileSync(from, path);
  const db = openDatabase(path);
  return {
    path, db,
    cleanup: () => { closeDatabase(path); rmSync(dir, { recursive: true, force: true }); }
  };
}

export type TestApp = {
  app: App; data: Data; clock: { nowMs: number };
  /** The engine this app runs on (TEST_ENGINE unless `engine` was given). */
  engine: TestEngine;
  /** The SQLite connection; on PostgreSQL it throws on use (a test that needs it is SQLite-only, or uses `t.data`). */
  db: Db;
  /** The SQLite file; on PostgreSQL it throws on use. */
  path: string;
  /** The PostgreSQL database's URL, or null on SQLite. */
  url: string | null;
  /** Exposures, events and plain SQL below the stores, on either engine (tests/helpers/app-rows.ts). */
  rows: AppRows;
  /** Closes the connection (SQLite: deletes the file; PostgreSQL: ends the pool and the ingest writer). */
  cleanup: () => Promise<void>;
  /** Closes the connection and keeps the database (`snapshotTestApp`); resolves with its file or name. */
  freeze: () => Promise<string>;
  /** What the app was built with (for `apiListener`). */
  deps: AppDeps;
  /** Keys created for the test: admin (everything) and sdk (assign, exposures, events, OFREP). */
  adminKey: string; sdkKey: string;
  /** `app.request` with `Authorization: Bearer <adminKey>` (or `key`), JSON bodies stringified. */
  authed: (path: string, init?: Omit<RequestInit, 'body'> & { body?: unknown; key?: string }) => Promise<Response>;
};

type Opened = { deps: AppDeps; rows: AppRows; path: string | null; url: string | null; cleanup: () => Promise<void>; freeze: () => Promise<string> };

/** The engine's database (a copy of `from`, else seeded at `seedNowMs` unless null), and the app's deps over it. */
async function openEngine(engine: TestEngine, now: () => number, seedNowMs: number | null, from?: TestAppSnapshot): Promise<Opened> {
  if (engine === 'sqlite') {
    const database = tempDatabase(from?.database);
    const data = sqliteData(database.db);
    if (seedNowMs !== null && !from) await seedOnFirstStart(data, seedNowMs);
    return {
      deps: { data, db: database.db, now }, rows: sqliteRows(database.db), path: database.path, url: null,
      cleanup: async () => database.cleanup(),
      freeze: async () => { closeDatabase(database.path); return database.path; }
    };
  }
  // A copy of one of the run's template databases (tests/postgres/global-setup.ts), migrated and
  // seeded as seedOnFirstStart would (or of a snapshot): no migrations and no seeding per app.
  const url = await postgresDatabase(from ? { template: from.database } : seedNowMs === null ? { migrated: true } : { seedNowMs });
  const pg = openPostgres(url, { poolSize: 4, applicationName: 'test-app' });
  const data = postgresData(pg);
  const postgres = postgresHotPaths(pg, data);
  return {
    deps: { data, db: sqliteOnly, now, postgres }, rows: postgresRows(pg), path: null, url,
    cleanup: async () => { await postgres.ingest.close(); await pg.$client.end(); },
    freeze: async () => { await postgres.ingest.close(); await pg.$client.end(); return decodeURIComponent(new URL(url).pathname.slice(1)); }
  };
}

/**
 * A test app's database, closed and kept as the starting point of other apps: `createTestApp({ from })`
 * copies it (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE), keys included. For a file whose
 * every test needs the same costly data: build it once in `beforeAll`, copy it in `beforeEach`.
 */
export type TestAppSnapshot = {
  engine: TestEngine; nowMs: number; adminKey: string; sdkKey: string;
  /** The SQLite file, or the PostgreSQL database's name. */
  database: string;
  /** Deletes the snapshot's SQLite file (PostgreSQL: dropped with the run's cluster). */
  dispose(): void;
};

/**
 * Closes `t` and keeps its database as a snapshot (see `TestAppSnapshot`).
 * @example const base = await createTestApp(); await base.rows.synthetic(spec); const snapshot = await snapshotTestApp(base);
 */
export async function snapshotTestApp(t: TestApp): Promise<TestAppSnapshot> {
  const database = await t.freeze();
  return {
    engine: t.engine, nowMs: t.clock.nowMs, adminKey: t.adminKey, sdkKey: t.sdkKey, database,
    dispose: () => { if (t.engine === 'sqlite' && existsSync(database)) rmSync(join(database, '..'), { recursive: true, force: true }); }
  };
}

/**
 * The real API over a real, migrated database, with an injectable clock: a SQLite file, or with
 * `engine: 'postgres'` (the default under TEST_ENGINE=postgres) a fresh PostgreSQL database on the
 * run's throwaway cluster, built as the server builds it on `DATABASE_URL` (api/bootstrap.ts).
 * `seed` loads the starter calendar as a first start would; `from` starts from a copy of a snapshot
 * (`snapshotTestApp`) instead, with its keys and clock. The clock starts at `nowMs`, by default
 * Monday 23 November 2026, 09:00 in the machine's time zone: the product counts calendar days in
 * local time (calendar/dates.ts), so a UTC instant would be a Sunday west of UTC-9.
 */
export async function createTestApp(options: { seed?: boolean; nowMs?: number; engine?: TestEngine; from?: TestAppSnapshot } = {}): Promise<TestApp> {
  const { from } = options;
  const engine = from?.engine ?? options.engine ?? testEngine();
  const clock = { nowMs: options.nowMs ?? from?.nowMs ?? new Date(2026, 10, 23, 9).getTime() };
  const opened = await openEngine(engine, () => clock.nowMs, options.seed ?? true ? clock.nowMs : null, from);
  const { deps } = opened;
  const data = deps.data;
  const app = createApp(deps);
  const keyCtx = { actor: 'test', nowMs: clock.nowMs };
  const adminKey = from?.adminKey ?? (await createApiKey(data, { name: 'test admin', scope: 'admin' }, keyCtx)).key;
  const sdkKey = from?.sdkKey ?? (await createApiKey(data, { name: 'test sdk', scope: 'sdk' }, keyCtx)).key;
  const authed: TestApp['authed'] = (path, init = {}) => {
    const { key, body, headers, ...rest } = init;
    const h = new Headers(headers);
    h.set('authorization', `Bearer ${key ?? adminKey}`);
    if (body !== undefined && typeof body !== 'string') h.set('content-type', 'application/json');
    return Promise.resolve(app.request(path, {
      ...rest, headers: h,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
    }));
  };
  return {
    app, deps, db: deps.db, data, engine, url: opened.url, rows: opened.rows, clock, cleanup: opened.cleanup, freeze: opened.freeze, adminKey, sdkKey, authed,
    get path(): string {
      if (opened.path === null) throw new Error('t.path: the SQLite file of a test app; this one runs on PostgreSQL (t.url)');
      return opened.path;
    }
  };
}
