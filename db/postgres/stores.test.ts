// The store contract (db/store/contract.ts) on PostgreSQL: one migrated database for this file
// (on the throwaway server of tests/postgres/global-setup.ts), emptied before every test.
import { afterAll, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { migratedPostgres } from '../../tests/helpers/postgres.ts';
import { storeContract } from '../store/contract.ts';
import { closePostgres, type PgDb } from './connection.ts';
import { postgresData } from './data.ts';
import { events, exposures, planExposures } from './schema.ts';

let db: PgDb;
beforeAll(async () => { db = await migratedPostgres(); }, 120_000);
afterAll(async () => { if (db) await closePostgres(db); });

storeContract('postgres', async () => {
  const tables = await db.execute<{ name: string }>(sql`select quote_ident(tablename) as name from pg_tables where schemaname = 'public'`);
  await db.execute(sql.raw(`truncate ${tables.rows.map((t) => t.name).join(', ')} restart identity cascade`));
  return {
    data: postgresData(db),
    fixtures: {
      async exposure(row) { await db.insert(exposures).values({ ...row, lastExposedAtMs: row.firstExposedAtMs }); },
      async event(row) { await db.insert(events).values({ ...row, receivedAtMs: row.timestampMs }); },
      async planExposure(row) { await db.insert(planExposures).values(row); }
    },
    async close() {}
  };
});
