/**
 * The report store of PostgreSQL: derived tables in a schema of their own, `report_store`,
 * created and versioned by this code (not by the main schema's migrations), like SQLite keeps
 * its store in a file of its own with `PRAGMA user_version`. Another `STORE_VERSION` drops the
 * schema and starts over: the store can always be rebuilt from the raw exposures and events.
 *
 * Watermarks in `refresh_state` are ids of the main tables (`events.id`, `exposures.id`,
 * `report_moved_exposures.seq`). Why ids can serve as watermarks on PostgreSQL, where a lower
 * id may commit after a higher one: see `INGEST_LOCK_KEY`.
 */
import type pg from 'pg';

export const STORE_SCHEMA = 'report_store';
export const STORE_VERSION = 1;

/** Session advisory lock held while creating or replacing the store's schema (replicas starting together). */
export const STORE_DDL_LOCK_KEY = 7_345_001_205;

/**
 * The advisory lock that orders report watermarks with ingestion. Every transaction that
 * writes exposures or events takes it shared (`pg_advisory_xact_lock_shared`); a report refresh
 * takes it exclusively for the instant it opens its snapshot and reads the current ids, so no
 * write is half-done then: every id up to the watermark is committed and in the snapshot, and
 * every later write gets a higher id.
 */
export const INGEST_LOCK_KEY = 7_345_001_204;

/** The class of the per-experiment refresh lock (`pg_advisory_lock(class, experiment_id)`). */
export const REFRESH_LOCK_CLASS = 7_345;

const SUMS = `n bigint NOT NULL, sum double precision NOT NULL, sum_squares double precision NOT NULL,
  sum_denominator double precision NOT NULL, sum_denominator_squares double precision NOT NULL,
  sum_cross_products double precision NOT NULL`;

const DDL = [
  `CREATE SCHEMA ${STORE_SCHEMA}`,
  `CREATE TABLE ${STORE_SCHEMA}.meta (version integer NOT NULL)`,
  `CREATE TABLE ${STORE_SCHEMA}.refresh_state (
    experiment_id integer PRIMARY KEY, definitions text NOT NULL, last_event_id bigint NOT NULL,
    last_exposure_id bigint NOT NULL, last_moved_seq bigint NOT NULL, refreshed_at_ms bigint NOT NULL)`,
  `CREATE TABLE ${STORE_SCHEMA}.user_values (
    experiment_id integer NOT NULL, metric_id integer NOT NULL, user_id text NOT NULL, variant_key text NOT NULL,
    day integer NOT NULL, value double precision NOT NULL, denominator double precision NOT NULL,
    winsorized boolean NOT NULL DEFAULT false, PRIMARY KEY (experiment_id, metric_id, user_id))`,
  `CREATE INDEX user_values_capped ON ${STORE_SCHEMA}.user_values (experiment_id, metric_id, value) WHERE winsorized`,
  `CREATE TABLE ${STORE_SCHEMA}.group_sums (
    experiment_id integer NOT NULL, metric_id integer NOT NULL, variant_key text NOT NULL, day integer NOT NULL, ${SUMS},
    PRIMARY KEY (experiment_id, metric_id, variant_key, day))`,
  `CREATE TABLE ${STORE_SCHEMA}.segment_sums (
    experiment_id integer NOT NULL, attribute text NOT NULL, metric_id integer NOT NULL, segment text NOT NULL,
    variant_key text NOT NULL, ${SUMS}, PRIMARY KEY (experiment_id, attribute, metric_id, segment, variant_key))`,
  `INSERT INTO ${STORE_SCHEMA}.meta (version) VALUES (${STORE_VERSION})`
];

/**
 * Runs `text` with named parameters (`:name`, as in the SQLite store's SQL) on `client`; `::type`
 * casts are left alone. Returns the rows.
 * @example await query(client, 'select n from report_store.group_sums where experiment_id = :e', { e: 7 })
 */
export async function query<R = Record<string, unknown>>(client: pg.ClientBase, text: string, params: Record<string, unknown> = {}): Promise<R[]> {
  return (await execute<R>(client, text, params)).rows;
}

/** `query`, with the row count (for INSERT … SELECT). */
export async function execute<R = Record<string, unknown>>(client: pg.ClientBase, text: string, params: Record<string, unknown> = {}): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
  const values: unknown[] = [];
  const position = new Map<string, number>();
  const sqlText = text.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`report store SQL: no value for :${name}`);
    let i = position.get(name);
    if (i === undefined) { values.push(params[name]); i = values.length; position.set(name, i); }
    return `$${i}`;
  });
  return client.query<R & pg.QueryResultRow>(sqlText, values);
}

const ensured = new WeakMap<pg.Pool, Promise<void>>();

/**
 * Creates the store's schema at `STORE_VERSION` once per pool (dropping another version),
 * under a session advisory lock so that replicas starting together do it once.
 * @example await ensureReportStore(db.$client)
 */
export function ensureReportStore(pool: pg.Pool): Promise<void> {
  let done = ensured.get(pool);
  if (!done) {
    done = createStore(pool);
    ensured.set(pool, done);
    done.catch(() => ensured.delete(pool)); // a failure is retried by the next report
  }
  return done;
}

async function createStore(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('select pg_advisory_lock($1)', [STORE_DDL_LOCK_KEY]);
    try {
      const [{ meta }] = await query<{ meta: string | null }>(client, `select to_regclass('${STORE_SCHEMA}.meta')::text as meta`);
      const version = meta === null ? null
        : (await query<{ version: number }>(client, `select version from ${STORE_SCHEMA}.meta limit 1`))[0]?.version ?? null;
      if (version === STORE_VERSION) return;
      await client.query('begin');
      try {
        await client.query(`drop schema if exists ${STORE_SCHEMA} cascade`);
        for (const statement of DDL) await client.query(statement);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      }
    } finally {
      await client.query('select pg_advisory_unlock($1)', [STORE_DDL_LOCK_KEY]).catch((err: Error) => { broken = err; });
    }
  } catch (err) {
    broken ??= err as Error;
    throw err;
  } finally {
    // A connection whose unlock failed may still hold the lock: destroy it rather than reuse it.
    client.release(broken);
  }
}
