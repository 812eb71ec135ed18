// PostgreSQL connections: migrations under the advisory lock, the report trigger, and the schema
// kept in step with SQLite's.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { postgresDatabase } from '../../tests/helpers/postgres.ts';
import * as sqliteSchema from '../sqlite/schema.ts';
import { closePostgres, migratePostgres, openPostgres } from './connection.ts';
import * as pgSchema from './schema.ts';
import { experiments, exposures, reportMovedExposures } from './schema.ts';

describe('migratePostgres', () => {
  it('replicas migrating one database at once apply each migration once (advisory lock), and again is a no-op', async () => {
    const url = await postgresDatabase();
    const replicas = [1, 2, 3].map(() => openPostgres(url, { poolSize: 2 }));
    try {
      await Promise.all(replicas.map((db) => migratePostgres(db)));
      const applied = await replicas[0].execute<{ n: string }>(sql`select count(*) as n from drizzle.__drizzle_migrations`);
      const journal = (await import('./migrations/meta/_journal.json', { with: { type: 'json' } })).default as { entries: unknown[] };
      expect(Number(applied.rows[0].n)).toBe(journal.entries.length);
      await migratePostgres(replicas[1]);
      const again = await replicas[0].execute<{ n: string }>(sql`select count(*) as n from drizzle.__drizzle_migrations`);
      expect(Number(again.rows[0].n)).toBe(journal.entries.length);
      // The lock is released: nobody holds it afterwards (in this database: other test files' report
      // refreshes hold advisory locks of their own on the same server).
      const held = await replicas[0].execute<{ n: string }>(sql`select count(*) as n from pg_locks where locktype = 'advisory'
        and database = (select oid from pg_database where datname = current_database())`);
      expect(Number(held.rows[0].n)).toBe(0);
    } finally {
      await Promise.all(replicas.map((db) => closePostgres(db)));
    }
  }, 60_000);

  it('the trigger report_exposure_moved records a first exposure that moved earlier, with the time before', async () => {
    const db = openPostgres(await postgresDatabase(), { poolSize: 2 });
    try {
      await migratePostgres(db);
      const [e] = await db.insert(experiments).values({ key: 'moved', name: 'Moved' }).returning();
      await db.insert(exposures).values({ experimentId: e.id, userId: 'u1', variantKey: 'b', firstExposedAtMs: 5_000, lastExposedAtMs: 5_000 });
      await db.update(exposures).set({ firstExposedAtMs: 9_000, lastExposedAtMs: 9_000 }); // later: not a move back
      await db.update(exposures).set({ exposureCount: 2 }); // another column: nothing
      expect(await db.select().from(reportMovedExposures)).toEqual([]);
      await db.update(exposures).set({ firstExposedAtMs: 3_000 });
      await db.update(exposures).set({ firstExposedAtMs: 1_000 });
      expect((await db.select().from(reportMovedExposures).orderBy(reportMovedExposures.seq)).map(({ seq: _s, ...r }) => r)).toEqual([
        { experimentId: e.id, userId: 'u1', oldFirstMs: 9_000 },
        { experimentId: e.id, userId: 'u1', oldFirstMs: 3_000 }
      ]);
    } finally {
      await closePostgres(db);
    }
  }, 60_000);

  it('a server that is not there fails the first query with the driver\'s error, not a hang', async () => {
    const db = openPostgres('postgres://nobody@127.0.0.1:1/none', { poolSize: 1 });
    try {
      await expect(migratePostgres(db)).rejects.toThrow(/ECONNREFUSED|connect/);
    } finally {
      await closePostgres(db);
    }
  });
});

describe('db/postgres/schema.ts', () => {
  const tables = <T>(schema: Record<string, unknown>, kind: abstract new (...args: never[]) => T) =>
    Object.values(schema).filter((v): v is T => v instanceof kind);

  it('has the same tables, columns, nullability, indexes and foreign keys as db/sqlite/schema.ts', () => {
    const describeSqlite = tables(sqliteSchema, SQLiteTable).map((t) => {
      const c = sqliteTableConfig(t);
      return {
        name: c.name,
        columns: c.columns.map((col) => `${col.name}${col.notNull ? ' not null' : ''}${col.primary ? ' pk' : ''}`).sort(),
        indexes: c.indexes.map((i) => `${i.config.name}${i.config.unique ? ' unique' : ''}`).sort(),
        foreignKeys: c.foreignKeys.map((f) => { const r = f.reference(); return `${r.columns.map((x) => x.name)}->${sqliteTableConfig(r.foreignTable).name} ${f.onDelete}`; }).sort()
      };
    }).sort((a, b) => a.name.localeCompare(b.name));
    const describePg = tables(pgSchema, PgTable).map((t) => {
      const c = pgTableConfig(t);
      return {
        name: c.name,
        columns: c.columns.map((col) => `${col.name}${col.notNull ? ' not null' : ''}${col.primary ? ' pk' : ''}`).sort(),
        indexes: c.indexes.map((i) => `${i.config.name}${i.config.unique ? ' unique' : ''}`).sort(),
        foreignKeys: c.foreignKeys.map((f) => { const r = f.reference(); return `${r.columns.map((x) => x.name)}->${pgTableConfig(r.foreignTable).name} ${f.onDelete}`; }).sort()
      };
    }).sort((a, b) => a.name.localeCompare(b.name));
    expect(describePg).toEqual(describeSqlite);
  });
});
