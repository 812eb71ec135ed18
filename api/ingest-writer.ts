/**
 * The SQLite engine's `IngestWriter` (db/store/ingest.ts): a thin adapter over api/ingest's
 * group-committing writer (`writerFor`) and its exposure statements. The PostgreSQL one is
 * db/postgres/ingest.ts. It lives in api/ because the SQLite writer does (db/ must not import api/).
 */
import type { Db } from '../db/sqlite/connection.ts';
import type { IngestWriter } from '../db/store/index.ts';
import { writerFor } from './ingest/writer.ts';
import { exposureStoreFor } from './ingest/exposure-store.ts';

/**
 * The ingest writer of a SQLite connection (the connection's one writer underneath).
 * @example const { stored } = await sqliteIngestWriter(db).events([[null, 'u1', 'purchase', 19.5, t, t]]);
 */
export function sqliteIngestWriter(db: Db): IngestWriter {
  const writer = () => writerFor(db.$client);
  return {
    events: (rows) => writer().write('events', rows),
    exposures: (items) => writer().write('exposures', items),
    assignments: (records) => writer().write('assignments', records),
    recordedVariant: async (experimentId, userId) => exposureStoreFor(db.$client).recordedVariant(experimentId, userId),
    get stats() { return writer().stats; },
    close: () => writer().close()
  };
}
