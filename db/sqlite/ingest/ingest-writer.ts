/**
 * The SQLite engine's `IngestWriter` (db/store/ingest.ts): a thin adapter over this folder's
 * group-committing writer (`writerFor`, inline or on the writer thread) and its exposure
 * statements. The PostgreSQL one is db/postgres/ingest.ts. api/ingest keeps the HTTP side
 * (validation, item errors, routes) and reaches this through api/engine `ingestOf`.
 */
import type { Db } from '../connection.ts';
import type { IngestWriter } from '../../store/index.ts';
import { writerFor } from './writer.ts';
import { exposureStoreFor } from './exposure-store.ts';

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
