/**
 * The report source of PostgreSQL: a report's sufficient statistics from the incremental report
 * store (`report_store` schema), aggregated by the database; no exposure or event row comes
 * into JavaScript, only group sums.
 *
 * One refresh, on one pooled connection:
 * 1. `pg_advisory_lock(REFRESH_LOCK_CLASS, experiment)`: refreshes of one experiment take
 *    turns across every replica; the second finds the first one's watermarks and only catches up.
 *    Taken before the transaction so the waiter's snapshot includes the first one's commit.
 * 2. `pg_advisory_lock(INGEST_LOCK_KEY)` exclusively, `BEGIN ISOLATION LEVEL REPEATABLE READ`,
 *    read the current ids (this opens the snapshot), release the ingest lock. No ingestion
 *    transaction is in flight at that instant, so every id up to the watermark is in the
 *    snapshot, and every later write gets a higher id: the next refresh counts it.
 * 3. Advance the store past the watermarks and read the aggregates, in that snapshot.
 * 4. COMMIT, release the experiment lock.
 */
import type pg from 'pg';
import type { AggregatesInput, ReportAggregates, ReportSource } from '../store/index.ts';
import { ensureReportStore, INGEST_LOCK_KEY, query, REFRESH_LOCK_CLASS } from './report-store-schema.ts';
import { currentBounds, refreshReportStore, type RefreshResult } from './report-refresh.ts';
import { exposureGroups, storeCaps, storeDailyAggregates, storeExposureSpan } from './report-aggregates.ts';
import { segmentAttributes, segmentAttributeSeen, storeSegmentAggregates } from './report-segments.ts';

/** The aggregates with what the refresh before them did (for tests and benchmarks). */
export type PostgresReportAggregates = ReportAggregates & { refresh: RefreshResult };

/**
 * Runs `work` on one connection holding `lock` (a session advisory lock, two-int form), released
 * afterwards; a connection whose unlock failed is destroyed, not reused.
 */
async function withLockedClient<T>(pool: pg.Pool, lock: [number, number], work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', lock);
    try {
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', lock).catch((err: Error) => { broken = err; });
    }
  } catch (err) {
    broken ??= err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Refreshes the store of `input.experimentId` and reads its aggregates (see the file comment).
 * @example await postgresAggregates(db.$client, { experimentId: 7, metrics, variantKeys: ['control', 'b'], segment: null, nowMs })
 */
export async function postgresAggregates(pool: pg.Pool, input: AggregatesInput & { forceRebuild?: boolean }): Promise<PostgresReportAggregates> {
  await ensureReportStore(pool);
  // Refreshes of one experiment take turns in this process before taking a connection, so
  // reports waiting on the experiment's lock never hold the pool's connections that ingestion needs.
  let turns = experimentTurns.get(pool);
  if (!turns) experimentTurns.set(pool, (turns = new Map()));
  const before = turns.get(input.experimentId) ?? Promise.resolve();
  const run = before.then(() => refreshAndRead(pool, input));
  const settled = run.then(() => undefined, () => undefined);
  turns.set(input.experimentId, settled);
  void settled.then(() => { if (turns!.get(input.experimentId) === settled) turns!.delete(input.experimentId); });
  return run;
}

const experimentTurns = new WeakMap<pg.Pool, Map<number, Promise<void>>>();

async function refreshAndRead(pool: pg.Pool, input: AggregatesInput & { forceRebuild?: boolean }): Promise<PostgresReportAggregates> {
  const { experimentId, metrics } = input;
  return withLockedClient(pool, [REFRESH_LOCK_CLASS, experimentId], async (client) => {
    let ingestLocked = false;
    const unlockIngest = async () => {
      if (!ingestLocked) return;
      ingestLocked = false;
      await client.query('SELECT pg_advisory_unlock($1)', [INGEST_LOCK_KEY]);
    };
    await client.query('SELECT pg_advisory_lock($1)', [INGEST_LOCK_KEY]);
    ingestLocked = true;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      try {
        const bounds = await currentBounds(client); // the snapshot opens here, with no ingestion in flight
        await unlockIngest();
        const refresh = await refreshReportStore(client, input, bounds);
        const groups = await exposureGroups(client, experimentId);
        const caps = await storeCaps(client, experimentId, metrics);
        const daily = await storeDailyAggregates(client, experimentId, metrics, caps, groups);
        const exposuresByDay = groups.map((g) => ({ day: g.day, variant: g.variant, users: g.users }));
        const span = await storeExposureSpan(client, experimentId, [...new Set([...input.variantKeys, ...groups.map((g) => g.variant)])]);
        const segmentRows = input.segment ? await storeSegmentAggregates(client, experimentId, metrics, caps, input.segment) : null;
        await client.query('COMMIT');
        return { caps, daily, exposuresByDay, span, segmentRows, refresh };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      await unlockIngest();
    }
  });
}

/** Forgets the store's state of one experiment (or all): the next report rebuilds it (tests, benchmarks). */
export async function forgetReportStore(pool: pg.Pool, experimentId?: number): Promise<void> {
  await ensureReportStore(pool);
  const client = await pool.connect();
  try {
    await query(client, `DELETE FROM report_store.refresh_state${experimentId === undefined ? '' : ' WHERE experiment_id = :experimentId::int'}`,
      experimentId === undefined ? {} : { experimentId });
  } finally {
    client.release();
  }
}

async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try { return await work(client); } finally { client.release(); }
}

/**
 * The report source over a pool: aggregates in SQL from the incremental store.
 * @example await postgresReportSource(db.$client).segmentAttributes(7) // ['channel', 'country']
 */
export function postgresReportSource(pool: pg.Pool): ReportSource {
  return {
    aggregates: (input) => postgresAggregates(pool, input),
    segmentSeen: (experimentId, attribute) => withClient(pool, (c) => segmentAttributeSeen(c, experimentId, attribute)),
    segmentAttributes: (experimentId) => withClient(pool, (c) => segmentAttributes(c, experimentId))
  };
}
