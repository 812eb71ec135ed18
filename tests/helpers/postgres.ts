/**
 * PostgreSQL for tests: `postgresDatabase()` gives the URL of a fresh, empty database on a
 * throwaway server started for this test run (see tests/postgres/global-setup.ts), or on the
 * server of TEST_DATABASE_URL. Migrate it yourself (`migratePostgres`), use `migratedPostgres()`,
 * or ask for a copy of the run's migrated template (`postgresDatabase({ migrated: true })`).
 * @example const db = await migratedPostgres(); afterAll(() => closePostgres(db));
 */
import { inject } from 'vitest';
import { createDatabase, databaseUrl, startCluster, type Cluster } from '../postgres/cluster.ts';
import { migratePostgres, openPostgres, type PgDb } from '../../db/postgres/connection.ts';
import { ensureReportStore } from '../../db/postgres/report-store-schema.ts';
import { postgresData } from '../../db/postgres/data.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import type {} from '../postgres/global-setup.ts'; // ProvidedContext['postgresManager']

let own: Promise<Cluster> | null = null;
let ownTemplate: Promise<string> | null = null;
let ownCount = 0;

/**
 * The URL of a new database: empty, or with `migrated` a copy of a template database that has
 * every migration and the report store's schema (one migration per run instead of one per
 * database); with `seedNowMs` also the starter calendar, loaded as a first start at that instant;
 * with `template` a copy of that database of this run (nobody may be connected to it).
 */
export async function postgresDatabase(options: { migrated?: boolean; seedNowMs?: number; template?: string } = {}): Promise<string> {
  const manager = inject('postgresManager');
  if (manager) {
    const query = options.template !== undefined ? `?template=${encodeURIComponent(options.template)}`
      : options.seedNowMs !== undefined ? `?seed=${options.seedNowMs}` : options.migrated ? '?migrated=1' : '';
    const res = await fetch(`${manager}/database${query}`, { method: 'POST' });
    const body = await res.json() as { url?: string; error?: string };
    if (!res.ok || !body.url) throw new Error(body.error ?? `postgres test manager answered ${res.status}`);
    return body.url;
  }
  // Run without the repository's vitest config (no global setup): a cluster for this process,
  // stopped by its watchdog when the process exits.
  const cluster = await (own ??= startCluster());
  const name = `test_${process.pid}_${++ownCount}`;
  if (options.template !== undefined) {
    await createDatabase(cluster.adminUrl, name, { template: options.template });
  } else if (options.migrated || options.seedNowMs !== undefined) {
    const template = await (ownTemplate ??= (async () => {
      const templateName = `template_${process.pid}`;
      await createDatabase(cluster.adminUrl, templateName);
      const db = openPostgres(databaseUrl(cluster.adminUrl, templateName), { poolSize: 1 });
      try {
        await migratePostgres(db);
        await ensureReportStore(db.$client);
      } finally { await db.$client.end(); }
      return templateName;
    })());
    await createDatabase(cluster.adminUrl, name, { template });
    if (options.seedNowMs !== undefined) {
      const db = openPostgres(databaseUrl(cluster.adminUrl, name), { poolSize: 1 });
      try { await seedOnFirstStart(postgresData(db), options.seedNowMs); } finally { await db.$client.end(); }
    }
  } else {
    await createDatabase(cluster.adminUrl, name);
  }
  return databaseUrl(cluster.adminUrl, name);
}

/** A new database with every migration applied, behind a pool of `poolSize` (default 4). */
export async function migratedPostgres(options: { poolSize?: number } = {}): Promise<PgDb> {
  const db = openPostgres(await postgresDatabase(), { poolSize: options.poolSize ?? 4 });
  await migratePostgres(db);
  return db;
}
