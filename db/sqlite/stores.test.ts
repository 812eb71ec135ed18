// The store contract (db/store/contract.ts) on SQLite: a fresh in-memory database per test.
import { closeDatabase, openDatabase } from './connection.ts';
import { events, exposures, planExposures } from './schema.ts';
import { storeContract } from '../store/contract.ts';
import { sqliteData } from './data.ts';

storeContract('sqlite', async () => {
  const db = openDatabase(':memory:');
  return {
    data: sqliteData(db),
    fixtures: {
      async exposure(row) { db.insert(exposures).values({ ...row, lastExposedAtMs: row.firstExposedAtMs }).run(); },
      async event(row) { db.insert(events).values({ ...row, receivedAtMs: row.timestampMs }).run(); },
      async planExposure(row) { db.insert(planExposures).values(row).run(); }
    },
    async close() { closeDatabase(':memory:'); }
  };
});
