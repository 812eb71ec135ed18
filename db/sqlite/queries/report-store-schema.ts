/**
 * The report store lives in a database file of its own, attached as `reports` to the
 * connection that computes reports (`app.db` → `app.reports.db`; `:memory:` → an in-memory
 * store). Why a file of its own: the analysis thread writes only here, so a cold rebuild
 * (seconds at 1M users) never holds the main database's write lock that ingestion and
 * exposing assigns commit through. The serving connection never attaches it: a BEGIN
 * IMMEDIATE takes the write lock of every attached file, so its group commits would lock the
 * store, and the analysis thread's deferred transactions cannot wait for that (SQLite answers
 * a read-to-write upgrade that meets a lock with SQLITE_BUSY at once).
 * Table names are unique across both files, so the store's SQL names them unqualified.
 *
 * The store is derived data: it can always be rebuilt from the raw exposures and events.
 * `STORE_VERSION` in `PRAGMA reports.user_version` says which layout the file holds; another
 * version drops the store and starts over (the next report rebuilds it). The watermarks in
 * `report_refresh_state` are ids of the main file (`events.id`, `exposures.id`,
 * `report_moved_exposures.seq`).
 */
import type Database from 'better-sqlite3';

export const STORE_VERSION = 1;
export const STORE_SCHEMA = 'reports';

const SUMS = `rows integer NOT NULL, sum real NOT NULL, sum_squares real NOT NULL, sum_denominator real NOT NULL,
  sum_denominator_squares real NOT NULL, sum_cross_products real NOT NULL`;

const TABLES: Record<string, string> = {
  report_refresh_state: `(
    experiment_id integer PRIMARY KEY NOT NULL,
    definitions text NOT NULL,
    last_event_id integer NOT NULL,
    last_exposure_id integer NOT NULL,
    last_moved_seq integer NOT NULL,
    refreshed_at_ms integer NOT NULL)`,
  report_user_values: `(
    experiment_id integer NOT NULL, metric_id integer NOT NULL, user_id text NOT NULL, variant_key text NOT NULL,
    day integer NOT NULL, value real NOT NULL, denominator real NOT NULL, winsorized integer DEFAULT 0 NOT NULL,
    PRIMARY KEY (experiment_id, metric_id, user_id))`,
  report_group_sums: `(
    experiment_id integer NOT NULL, metric_id integer NOT NULL, variant_key text NOT NULL, day integer NOT NULL, ${SUMS},
    PRIMARY KEY (experiment_id, metric_id, variant_key, day))`,
  report_segment_sums: `(
    experiment_id integer NOT NULL, attribute text NOT NULL, metric_id integer NOT NULL, segment text NOT NULL, variant_key text NOT NULL, ${SUMS},
    PRIMARY KEY (experiment_id, attribute, metric_id, segment, variant_key))`
};

/** The store's file beside the main one. */
export function reportStorePath(mainPath: string): string {
  if (mainPath === ':memory:' || mainPath === '') return ':memory:';
  return mainPath.replace(/(\.db)?$/, '.reports.db');
}

const ensured = new WeakSet<Database.Database>();

/**
 * Attaches the report store beside `client`'s main file on first use (outside a transaction).
 * @example ensureReportStore(db.$client)
 */
export function ensureReportStore(client: Database.Database): void {
  if (ensured.has(client)) return;
  attachReportStore(client, client.memory ? ':memory:' : client.name);
  ensured.add(client);
}

/**
 * Attaches the report store to `client` (once) and brings its layout to `STORE_VERSION`.
 * @example attachReportStore(client, 'data/app.db') // attaches data/app.reports.db as `reports`
 */
export function attachReportStore(client: Database.Database, mainPath: string): void {
  const attached = (client.pragma('database_list') as Array<{ name: string }>).some((d) => d.name === STORE_SCHEMA);
  if (!attached) client.prepare(`ATTACH DATABASE ? AS ${STORE_SCHEMA}`).run(reportStorePath(mainPath));
  if (mainPath !== ':memory:') client.pragma(`${STORE_SCHEMA}.journal_mode = WAL`);
  // A derived cache: losing its last commits to a power cut only means recomputing them.
  client.pragma(`${STORE_SCHEMA}.synchronous = NORMAL`);
  const version = client.pragma(`${STORE_SCHEMA}.user_version`, { simple: true }) as number;
  if (version === STORE_VERSION) return;
  client.transaction(() => {
    for (const name of Object.keys(TABLES)) client.exec(`DROP TABLE IF EXISTS ${STORE_SCHEMA}.${name}`);
    for (const [name, columns] of Object.entries(TABLES)) {
      client.exec(`CREATE TABLE ${STORE_SCHEMA}.${name} ${columns}${name === 'report_refresh_state' ? '' : ' WITHOUT ROWID'}`);
    }
    client.exec(`CREATE INDEX ${STORE_SCHEMA}.report_user_values_capped ON report_user_values (experiment_id, metric_id, value) WHERE winsorized = 1`);
    client.pragma(`${STORE_SCHEMA}.user_version = ${STORE_VERSION}`);
  })();
}
