/**
 * Ingestion on PostgreSQL: the `IngestWriter` of a pool, with group commit. Writes queued during
 * one turn of the event loop share one transaction on one pooled connection:
 * 1. `BEGIN`, `SET LOCAL synchronous_commit = on` (durable when the promise resolves, whatever
 *    the server's default), and the ingest lock taken shared (`INGEST_LOCK_KEY`: a report refresh
 *    waits for in-flight writes before it reads its watermarks, see db/postgres/report-source.ts).
 * 2. Every event of the turn in one multi-row `INSERT … SELECT FROM unnest(…) ON CONFLICT
 *    (user_id, client_event_id) DO NOTHING`; the `/assign` exposures of the turn as one multi-row
 *    upsert; `/exposures` batches item by item (items of one batch see each other).
 * 3. `COMMIT`; then every promise of the turn resolves. Turns overlap on separate connections.
 * When the transaction fails, each job of it is run again alone, so a bad job fails by itself
 * (SQLite's group commit gets the same from a savepoint per job).
 */
import type pg from 'pg';
import { DatabaseUnavailableError, type DatabaseFault } from '../faults.ts';
import type {
  AssignedExposure, CheckedExposure, EventRow, EventsOutcome, ExposuresOutcome, IngestWriter, PlanExposure
} from '../store/index.ts';
import { INGEST_LOCK_KEY } from './report-store-schema.ts';

type Job =
  | { op: 'events'; payload: EventRow[]; resolve: (v: EventsOutcome) => void; reject: (e: unknown) => void }
  | { op: 'exposures'; payload: CheckedExposure[]; resolve: (v: ExposuresOutcome) => void; reject: (e: unknown) => void }
  | { op: 'assignments'; payload: AssignedExposure[]; resolve: (v: Array<{ variant: string; count: number }>) => void; reject: (e: unknown) => void }
  | { op: 'planExposures'; payload: PlanExposure[]; resolve: (v: number) => void; reject: (e: unknown) => void };

const BEGIN = `BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_advisory_xact_lock_shared(${INGEST_LOCK_KEY})`;

const UPSERT = `INSERT INTO exposures AS x (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
  SELECT e, u, v, t, t, 1, 0, a::jsonb FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[], $5::text[]) WITH ORDINALITY AS r(e, u, v, t, a, i)
  ORDER BY i
  ON CONFLICT (experiment_id, user_id) DO UPDATE SET exposure_count = x.exposure_count + 1,
    first_exposed_at_ms = least(x.first_exposed_at_ms, excluded.first_exposed_at_ms),
    last_exposed_at_ms = greatest(x.last_exposed_at_ms, excluded.last_exposed_at_ms)
  RETURNING experiment_id AS "experimentId", user_id AS "userId", variant_key AS variant, exposure_count AS count`;

/** A PostgreSQL error the client can wait out, as the API's 503 (connection lost, server shutting down, disk full, read-only). */
function faultOfPostgres(err: unknown): DatabaseFault | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code.startsWith('08') || code === '57P01' || code === '57P03') {
    return { code: 'database_io_error', message: `The database does not answer (${code}); nothing was stored. Retry shortly.`, retryAfterSeconds: 5 };
  }
  if (code === '53100') return { code: 'disk_full', message: 'The database disk is full; nothing was stored. Retry once space is freed.', retryAfterSeconds: 30 };
  if (code === '25006') return { code: 'database_read_only', message: 'The database is read-only (a standby?); nothing was stored.', retryAfterSeconds: 30 };
  if (code === '40001' || code === '40P01' || code === '55P03') {
    return { code: 'database_busy', message: 'The database is busy; nothing was stored. Retry shortly.', retryAfterSeconds: 1 };
  }
  return null;
}

function asUnavailable(err: unknown): unknown {
  const fault = faultOfPostgres(err);
  return fault ? new DatabaseUnavailableError(fault, { cause: err }) : err;
}

/** Inserts the events of several jobs in one statement; each job's outcome by the event-id rule. */
async function writeEvents(client: pg.ClientBase, jobs: EventRow[][]): Promise<EventsOutcome[]> {
  const rows = jobs.flat();
  const column = (c: number) => rows.map((r) => r[c]);
  // In list order, so of two rows with one (user, id) the first is the one stored.
  const inserted = await client.query<{ user_id: string; client_event_id: string | null }>(
    `INSERT INTO events (client_event_id, user_id, event_name, value, timestamp_ms, received_at_ms)
     SELECT c, u, n, v, t, r FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::bigint[], $6::bigint[]) WITH ORDINALITY AS e(c, u, n, v, t, r, i)
     ORDER BY i
     ON CONFLICT (user_id, client_event_id) DO NOTHING RETURNING user_id, client_event_id`,
    [column(0), column(1), column(2), column(3), column(4), column(5)]);
  const key = (userId: string, id: string) => `${userId}\u0000${id}`;
  const storedNow = new Set(inserted.rows.filter((r) => r.client_event_id !== null).map((r) => key(r.user_id, r.client_event_id!)));
  // Rows with an id: compared with the stored version (read after the insert: this turn's or an earlier one).
  const withIds = rows.filter((r) => r[0] !== null);
  const stored = new Map<string, { name: string; value: number | null; timestampMs: number }>();
  if (withIds.length > inserted.rows.filter((r) => r.client_event_id !== null).length) {
    const found = await client.query<{ user_id: string; client_event_id: string; event_name: string; value: number | null; timestamp_ms: string }>(
      `SELECT e.user_id, e.client_event_id, e.event_name, e.value, e.timestamp_ms FROM events e
       JOIN unnest($1::text[], $2::text[]) AS k(u, c) ON e.user_id = k.u AND e.client_event_id = k.c`,
      [withIds.map((r) => r[1]), withIds.map((r) => r[0])]);
    for (const r of found.rows) stored.set(key(r.user_id, r.client_event_id), { name: r.event_name, value: r.value, timestampMs: Number(r.timestamp_ms) });
  }
  const taken = new Set<string>();
  return jobs.map((jobRows) => {
    const outcome: EventsOutcome = { stored: 0, conflicts: [] };
    jobRows.forEach(([id, userId, name, value, timestampMs], position) => {
      if (id === null) { outcome.stored++; return; }
      const k = key(userId, id);
      if (storedNow.has(k) && !taken.has(k)) { taken.add(k); outcome.stored++; return; }
      const s = stored.get(k);
      if (s && (s.name !== name || s.value !== value || s.timestampMs !== timestampMs)) outcome.conflicts.push(position);
    });
    return outcome;
  });
}

async function recordedVariant(client: pg.ClientBase | pg.Pool, experimentId: number, userId: string): Promise<string | undefined> {
  const { rows } = await client.query<{ v: string }>('SELECT variant_key AS v FROM exposures WHERE experiment_id = $1 AND user_id = $2', [experimentId, userId]);
  return rows[0]?.v;
}

async function upsert(client: pg.ClientBase, records: AssignedExposure[]): Promise<Array<{ variant: string; count: number }>> {
  const { rows } = await client.query<{ experimentId: number; userId: string; variant: string; count: number }>(UPSERT, [
    records.map((r) => r.experimentId), records.map((r) => r.userId), records.map((r) => r.variant),
    records.map((r) => r.atMs), records.map((r) => r.attributesJson)
  ]);
  const byKey = new Map(rows.map((r) => [`${r.experimentId}\u0000${r.userId}`, { variant: r.variant, count: r.count }]));
  return records.map((r) => byKey.get(`${r.experimentId}\u0000${r.userId}`)!);
}

/** `/assign` exposures of one request: one upsert, or one per record when a (experiment, user) repeats in it. */
async function writeAssignments(client: pg.ClientBase, records: AssignedExposure[]): Promise<Array<{ variant: string; count: number }>> {
  const keys = new Set(records.map((r) => `${r.experimentId}\u0000${r.userId}`));
  if (keys.size === records.length) return upsert(client, records);
  const out: Array<{ variant: string; count: number }> = [];
  for (const r of records) out.push(...await upsert(client, [r]));
  return out;
}

/** Plan exposures of the program holdout: one insert, the first per (plan, user) kept. */
async function writePlanExposures(client: pg.ClientBase, records: PlanExposure[]): Promise<number> {
  const { rowCount } = await client.query(`INSERT INTO plan_exposures (plan_id, user_id, holdout, first_exposed_at_ms)
    SELECT p, u, h, t FROM unnest($1::int[], $2::text[], $3::boolean[], $4::bigint[]) WITH ORDINALITY AS r(p, u, h, t, i) ORDER BY i
    ON CONFLICT (plan_id, user_id) DO NOTHING`,
  [records.map((r) => r.planId), records.map((r) => r.userId), records.map((r) => r.holdout), records.map((r) => r.atMs)]);
  return rowCount ?? 0;
}

async function writeExposures(client: pg.ClientBase, items: CheckedExposure[]): Promise<ExposuresOutcome> {
  const outcome: ExposuresOutcome = { accepted: 0, duplicates: 0, rejected: [] };
  for (const item of items) {
    const recorded = await recordedVariant(client, item.experimentId, item.userId);
    const variant = recorded ?? item.hashVariant;
    if (variant === undefined) { outcome.rejected.push({ index: item.index, error: item.notAssigned ?? 'not assigned' }); continue; }
    if (item.claimedVariant !== undefined && item.claimedVariant !== variant) {
      if (recorded !== undefined) {
        await client.query('UPDATE exposures SET conflict_count = conflict_count + 1 WHERE experiment_id = $1 AND user_id = $2', [item.experimentId, item.userId]);
      }
      outcome.rejected.push({ index: item.index, error: `variant '${item.claimedVariant}' does not match the user's assignment '${variant}'` });
      continue;
    }
    const [stored] = await upsert(client, [{ experimentId: item.experimentId, userId: item.userId, variant, atMs: item.atMs, attributesJson: item.attributesJson }]);
    if (stored!.count > 1) outcome.duplicates++; else outcome.accepted++;
  }
  return outcome;
}

/** Runs `jobs` in one transaction; the values in job order. */
async function runBatch(client: pg.ClientBase, jobs: Job[]): Promise<unknown[]> {
  await client.query(BEGIN);
  try {
    const values = new Array<unknown>(jobs.length);
    const eventJobs = jobs.map((j, i) => [j, i] as const).filter(([j]) => j.op === 'events');
    if (eventJobs.length > 0) {
      const outcomes = await writeEvents(client, eventJobs.map(([j]) => j.payload as EventRow[]));
      eventJobs.forEach(([, i], k) => { values[i] = outcomes[k]; });
    }
    // `/assign` exposures of every request of the turn in one upsert (one round trip, not one per
    // request: profiled under load) unless `/exposures` batches, which read what earlier jobs
    // wrote, are in the turn. In job order, so a user in two requests is stored by the first.
    const assignJobs = jobs.map((j, i) => [j, i] as const).filter(([j]) => j.op === 'assignments');
    const merged = assignJobs.length > 1 && !jobs.some((j) => j.op === 'exposures');
    if (merged) {
      const stored = await writeAssignments(client, assignJobs.flatMap(([j]) => j.payload as AssignedExposure[]));
      let at = 0;
      for (const [j, i] of assignJobs) values[i] = stored.slice(at, (at += j.payload.length));
    }
    for (const [i, job] of jobs.entries()) {
      if (job.op === 'assignments') { if (!merged) values[i] = await writeAssignments(client, job.payload); }
      else if (job.op === 'exposures') values[i] = await writeExposures(client, job.payload);
      else if (job.op === 'planExposures') values[i] = await writePlanExposures(client, job.payload);
    }
    await client.query('COMMIT');
    return values;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

class PostgresIngestWriter implements IngestWriter {
  readonly stats = { commits: 0, jobs: 0 };
  readonly #pool: pg.Pool;
  #queue: Job[] = [];
  #closed = false;

  constructor(pool: pg.Pool) { this.#pool = pool; }

  events(rows: EventRow[]): Promise<EventsOutcome> {
    return this.#push('events', rows) as Promise<EventsOutcome>;
  }
  exposures(items: CheckedExposure[]): Promise<ExposuresOutcome> {
    return this.#push('exposures', items) as Promise<ExposuresOutcome>;
  }
  assignments(records: AssignedExposure[]): Promise<Array<{ variant: string; count: number }>> {
    return this.#push('assignments', records) as Promise<Array<{ variant: string; count: number }>>;
  }
  planExposures(records: PlanExposure[]): Promise<number> {
    return this.#push('planExposures', records) as Promise<number>;
  }
  recordedVariant(experimentId: number, userId: string): Promise<string | undefined> {
    return recordedVariant(this.#pool, experimentId, userId);
  }

  #push(op: Job['op'], payload: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('the ingest writer is closed'));
    return new Promise((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => void this.#flush());
      this.#queue.push({ op, payload, resolve, reject } as Job);
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      for (const job of batch) job.reject(asUnavailable(err));
      return;
    }
    let broken: Error | undefined;
    try {
      try {
        const values = await runBatch(client, batch);
        this.stats.commits++;
        this.stats.jobs += batch.length;
        batch.forEach((job, i) => (job.resolve as (v: unknown) => void)(values[i]));
        return;
      } catch (err) {
        if (batch.length === 1 || faultOfPostgres(err)) throw err;
      }
      // One job broke the batch: each job alone, so only it fails.
      for (const job of batch) {
        try {
          const [value] = await runBatch(client, [job]);
          this.stats.commits++;
          this.stats.jobs++;
          (job.resolve as (v: unknown) => void)(value);
        } catch (err) {
          if (faultOfPostgres(err)) broken = err as Error;
          job.reject(asUnavailable(err));
        }
      }
    } catch (err) {
      broken = err as Error;
      for (const job of batch) job.reject(asUnavailable(err));
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#queue.length > 0) await this.#flush();
  }
}

const writers = new WeakMap<pg.Pool, IngestWriter>();

/**
 * The one ingest writer of a pool (created on first use).
 * @example const { stored } = await postgresIngestWriter(db.$client).events([[null, 'u1', 'purchase', 19.5, t, t]]);
 */
export function postgresIngestWriter(pool: pg.Pool): IngestWriter {
  let writer = writers.get(pool);
  if (!writer) writers.set(pool, (writer = new PostgresIngestWriter(pool)));
  return writer;
}
