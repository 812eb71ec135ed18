/**
 * Test setup rows the stores have no command for (they arrive through the hot paths in
 * production): exposures and events, written straight into SQLite in one transaction.
 * The domain tests in calendar/ may not write SQL themselves.
 */
import type { Db } from '../../db/sqlite/connection.ts';
import { events, exposures } from '../../db/sqlite/schema.ts';

export type ExposureRow = typeof exposures.$inferInsert;
export type EventRow = typeof events.$inferInsert;

/**
 * Inserts exposures and events (one commit).
 * @example insertTraffic(db, { exposures: [{ experimentId: 1, userId: 'u1', variantKey: 'control', firstExposedAtMs: t, lastExposedAtMs: t }], events: [] });
 */
export function insertTraffic(db: Db, rows: { exposures?: ExposureRow[]; events?: EventRow[] }): void {
  db.transaction((tx) => {
    for (const x of rows.exposures ?? []) tx.insert(exposures).values(x).run();
    for (const e of rows.events ?? []) tx.insert(events).values(e).run();
  }, { behavior: 'immediate' });
}
