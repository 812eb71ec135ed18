/**
 * Moving up from SQLite to PostgreSQL (`npm run db:copy -- --to postgres://…`): every row of the
 * SQLite database (plans, layers, experiments and variants, metrics and their links, criteria,
 * exposures, events, decisions, playbook, ideas, keys, amendments, audit) copied into an empty
 * PostgreSQL database, ids kept, in one transaction. Then checked: the row count of every table,
 * and the report of every started experiment computed on each engine, must be equal. The report
 * stores are not copied: PostgreSQL builds its own at the first report.
 *
 * Both schemas name their columns alike (db/postgres/connection.test.ts checks the two schemas
 * match), so a row read through the SQLite schema (JSON parsed, booleans as booleans) is inserted
 * through the PostgreSQL one as it is.
 */
import { existsSync } from 'node:fs';
import { asc, gt, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as lite from './sqlite/schema.ts';
import * as pgs from './postgres/schema.ts';
import { closeDatabase, openDatabase } from './sqlite/connection.ts';
import { closeReports } from './sqlite/reports.ts';
import { sqliteData } from './sqlite/data.ts';
import { closePostgres, migratePostgres, openPostgres, type PgDb } from './postgres/connection.ts';
import { postgresData } from './postgres/data.ts';
import { ensureReportStore } from './postgres/report-store-schema.ts';

/** The tables copied, parents before children; `id`: copied in keyset chunks by this column. */
const tables: Array<{ name: string; lite: SQLiteTable; pg: PgTable; id: boolean }> = [
  { name: 'plans', lite: lite.plans, pg: pgs.plans, id: true },
  { name: 'layers', lite: lite.layers, pg: pgs.layers, id: true },
  { name: 'experiments', lite: lite.experiments, pg: pgs.experiments, id: true },
  { name: 'variants', lite: lite.variants, pg: pgs.variants, id: true },
  { name: 'metrics', lite: lite.metrics, pg: pgs.metrics, id: true },
  { name: 'experiment_metrics', lite: lite.experimentMetrics, pg: pgs.experimentMetrics, id: false },
  { name: 'success_criteria', lite: lite.successCriteria, pg: pgs.successCriteria, id: true },
  { name: 'exposures', lite: lite.exposures, pg: pgs.exposures, id: true },
  { name: 'plan_exposures', lite: lite.planExposures, pg: pgs.planExposures, id: false },
  { name: 'events', lite: lite.events, pg: pgs.events, id: true },
  { name: 'decisions', lite: lite.decisions, pg: pgs.decisions, id: true },
  { name: 'playbook_entries', lite: lite.playbookEntries, pg: pgs.playbookEntries, id: true },
  { name: 'ideas', lite: lite.ideas, pg: pgs.ideas, id: true },
  { name: 'api_keys', lite: lite.apiKeys, pg: pgs.apiKeys, id: true },
  { name: 'amendments', lite: lite.amendments, pg: pgs.amendments, id: true },
  { name: 'audit_log', lite: lite.auditLog, pg: pgs.auditLog, id: true }
];

export type CopyResult = {
  tables: Array<{ table: string; sqlite: number; postgres: number }>;
  reports: Array<{ experiment: string; same: boolean }>;
  ok: boolean;
};

/** Rows per INSERT: under PostgreSQL's 65 535 parameters for the widest table (experiments, ~40 columns). */
const CHUNK = 1_000;

/**
 * Copies the SQLite database at `from` into the empty PostgreSQL database at `to` and checks the
 * result (row counts, one report per started experiment, at `nowMs`). Refuses a target that has
 * rows already. `log` gets one line per table and per report.
 * @example const result = await copySqliteToPostgres({ from: 'data/app.db', to: 'postgres://…/experiments' }); result.ok // true
 */
export async function copySqliteToPostgres(options: { from: string; to: string; nowMs?: number; log?: (line: string) => void }): Promise<CopyResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const nowMs = options.nowMs ?? Date.now();
  // openDatabase would create a missing file: a typo must not copy an empty database.
  if (!existsSync(options.from)) throw new Error(`no SQLite database at ${options.from} (give --from or set DATABASE_PATH)`);
  const source = openDatabase(options.from);
  const target: PgDb = openPostgres(options.to, { poolSize: 2, applicationName: 'weekly-experiments-db-copy' });
  try {
    await migratePostgres(target);
    await ensureReportStore(target.$client);
    const nonEmpty: string[] = [];
    for (const t of tables) if (await countPg(target, t.name) > 0) nonEmpty.push(t.name);
    if (nonEmpty.length > 0) {
      throw new Error(`the PostgreSQL database is not empty (rows in ${nonEmpty.join(', ')}): db:copy only fills an empty one`);
    }

    await target.transaction(async (tx) => {
      for (const t of tables) {
        let copied = 0;
        if (t.id) {
          const idColumn = (t.lite as unknown as { id: Parameters<typeof gt>[0] }).id;
          for (let last = -Infinity; ;) {
            const rows = source.select().from(t.lite).where(last === -Infinity ? undefined : gt(idColumn, last))
              .orderBy(asc(idColumn)).limit(CHUNK).all() as Array<{ id: number }>;
            if (rows.length === 0) break;
            await tx.insert(t.pg).values(rows as never);
            copied += rows.length;
            last = rows[rows.length - 1]!.id;
          }
          // Identity columns continue after the copied ids.
          await tx.execute(sql.raw(`SELECT setval(pg_get_serial_sequence('${t.name}', 'id'), coalesce((SELECT max(id) FROM ${t.name}), 0) + 1, false)`));
        } else {
          const rows = source.select().from(t.lite).all();
          for (let i = 0; i < rows.length; i += CHUNK) await tx.insert(t.pg).values(rows.slice(i, i + CHUNK) as never);
          copied = rows.length;
        }
        log(`copied ${t.name}: ${copied} rows`);
      }
    });

    const result: CopyResult = { tables: [], reports: [], ok: true };
    for (const t of tables) {
      const fromCount = (source.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${t.name}`)))!.n;
      const toCount = await countPg(target, t.name);
      result.tables.push({ table: t.name, sqlite: fromCount, postgres: toCount });
      if (fromCount !== toCount) result.ok = false;
    }
    const sqliteSide = sqliteData(source);
    const pgSide = postgresData(target);
    for (const experiment of await sqliteSide.experiments.list()) {
      if (experiment.startedAtMs === null) continue;
      const [before, after] = [await sqliteSide.reports.report(experiment.key, {}, nowMs), await pgSide.reports.report(experiment.key, {}, nowMs)];
      const same = JSON.stringify({ ...before, generatedAtMs: 0 }) === JSON.stringify({ ...after, generatedAtMs: 0 });
      result.reports.push({ experiment: experiment.key, same });
      if (!same) result.ok = false;
      log(`report ${experiment.key}: ${same ? 'the same on both' : 'DIFFERS between SQLite and PostgreSQL'}`);
    }
    return result;
  } finally {
    await closeReports(source).catch(() => {});
    closeDatabase(options.from);
    await closePostgres(target).catch(() => {});
  }
}

async function countPg(db: PgDb, table: string): Promise<number> {
  const { rows } = await db.$client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}
