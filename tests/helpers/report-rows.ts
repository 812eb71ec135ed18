/**
 * Raw rows for report tests: exposures and events written straight into SQLite (the domain's
 * tests in calendar/ have no SQL of their own), over a fresh seeded database per test.
 */
import { afterEach, beforeEach } from 'vitest';
import type { Db } from '../../db/sqlite/connection.ts';
import { ensureReportStore } from '../../db/sqlite/queries/index.ts';
import { sqliteData } from '../../db/sqlite/data.ts';
import type { Data } from '../../db/store/index.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { generateSynthetic, type SyntheticSpec } from '../reports/synthetic.ts';
import { tempDatabase } from './test-app.ts';

export type { SyntheticSpec } from '../reports/synthetic.ts';

/** What a report test writes or reads below the stores. */
export type ReportRows = {
  /** Synthetic exposures and events (see tests/reports/synthetic.ts); returns how many events were written. */
  synthetic(spec: SyntheticSpec): { events: number };
  /** Events of known users at given times, without a value (late events, say). */
  events(rows: Array<{ userId: string; eventName: string; timestampMs: number; receivedAtMs: number }>): void;
  /** Moves every `nth` exposure (by id) of variant `from` to `to`: a broken split. */
  moveExposures(from: string, to: string, nth: number): void;
  /** Exposed users per value of an exposure attribute ('(none)' when missing), largest first, then by value. */
  usersByAttribute(experimentId: number, attribute: string): Array<{ value: string; users: number }>;
  /** Forgets the incremental report store, so the next report is rebuilt from the raw rows. */
  forgetReportStore(): void;
  /** SQLite's `total_changes()` of the connection: whether anything was written. */
  totalChanges(): number;
};

/**
 * The raw rows of the database behind `db`.
 * @example reportRows(t.db).synthetic({ experimentId, users: 1000, seed: 1, ... })
 */
export function reportRows(db: Db): ReportRows {
  const client = db.$client;
  return {
    synthetic: (spec) => generateSynthetic(client, spec),
    events(rows) {
      const insert = client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, NULL, ?, ?)');
      client.transaction(() => { for (const r of rows) insert.run(r.userId, r.eventName, r.timestampMs, r.receivedAtMs); })();
    },
    moveExposures(from, to, nth) {
      client.prepare('UPDATE exposures SET variant_key = ? WHERE variant_key = ? AND id % ? = 0').run(to, from, nth);
    },
    usersByAttribute(experimentId, attribute) {
      return client.prepare(
        `SELECT coalesce(json_extract(attributes, ?), '(none)') AS value, count(*) AS users FROM exposures
         WHERE experiment_id = ? GROUP BY value ORDER BY users DESC, value`
      ).all(`$."${attribute.replaceAll('"', '')}"`, experimentId) as Array<{ value: string; users: number }>;
    },
    forgetReportStore() {
      ensureReportStore(client);
      client.prepare('DELETE FROM report_refresh_state').run();
    },
    totalChanges: () => (client.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  };
}

/** A fresh temp database with the starter calendar seeded at `nowMs`: its stores, raw rows and cleanup. */
export async function reportDatabase(nowMs: number): Promise<{ data: Data; rows: ReportRows; cleanup: () => void }> {
  const t = tempDatabase();
  const data = sqliteData(t.db);
  await seedOnFirstStart(data, nowMs);
  return { data, rows: reportRows(t.db), cleanup: t.cleanup };
}

/**
 * Gives each test of the file a fresh seeded temp database (see `reportDatabase`), then
 * `prepare` (awaited), and deletes it afterwards.
 * @example let data: Data; useReportDatabase(nowMs, async (fresh, rows) => { data = fresh; rows.synthetic(spec); });
 */
export function useReportDatabase(nowMs: number, prepare: (data: Data, rows: ReportRows) => void | Promise<void>): void {
  let cleanup = () => {};
  beforeEach(async () => {
    const fresh = await reportDatabase(nowMs);
    cleanup = fresh.cleanup;
    await prepare(fresh.data, fresh.rows);
  });
  afterEach(() => cleanup());
}
