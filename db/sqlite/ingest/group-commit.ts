import type Database from 'better-sqlite3';
import { asUnavailable, databaseFault, noteWriteFailure, noteWriteSuccess } from '../faults.ts';

type Job = { work: () => unknown; oneStatement: boolean; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Group commit: writes queued during one turn of the event loop share one transaction, so
 * one fsync (`synchronous = FULL`) acknowledges many requests. A failing job rolls back alone:
 * each job runs in its own savepoint, except a job that is one SQL statement (SQLite undoes a
 * failed statement by itself; a savepoint pair costs about 6 µs a job on a file database).
 * A promise resolves only after COMMIT.
 * Jobs are synchronous functions (better-sqlite3); they must not await.
 * When another process holds the write lock, BEGIN fails at once (the connection's busy
 * timeout is 0: the request thread never sleeps in SQLite) and the batch is tried again on a
 * timer, backing off to 50 ms, for up to `maxLockWaitMs`; then its jobs fail with a
 * `DatabaseUnavailableError` (the API's 503). Nothing of a failed batch was stored.
 * @example const id = await groupCommitFor(db.$client).run(() => insert.run(row).lastInsertRowid);
 */
export class GroupCommit {
  readonly #client: Database.Database;
  readonly #maxJobs: number;
  readonly #maxLockWaitMs: number;
  #queue: Job[] = [];
  #scheduled = false;
  /** When BEGIN first found the database locked by someone else (null: not waiting). */
  #lockedSinceMs: number | null = null;
  #retry: NodeJS.Timeout | null = null;
  readonly #statements: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'undo', Database.Statement>;
  /** Transactions committed and jobs in them, for tests and benchmarks. */
  readonly stats = { commits: 0, jobs: 0 };

  constructor(client: Database.Database, options: { maxJobs?: number; maxLockWaitMs?: number } = {}) {
    this.#client = client;
    this.#maxJobs = options.maxJobs ?? 2000;
    this.#maxLockWaitMs = options.maxLockWaitMs ?? 2000;
    this.#statements = {
      begin: client.prepare('BEGIN IMMEDIATE'), commit: client.prepare('COMMIT'), rollback: client.prepare('ROLLBACK'),
      savepoint: client.prepare('SAVEPOINT gc_job'), release: client.prepare('RELEASE gc_job'),
      undo: client.prepare('ROLLBACK TO gc_job')
    };
  }

  /**
   * Queues `work`; resolves with its result once the transaction holding it has committed.
   * `oneStatement`: the work runs exactly one SQL statement, so it needs no savepoint.
   */
  run<T>(work: () => T, options: { oneStatement?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, oneStatement: options.oneStatement === true, resolve: resolve as (v: unknown) => void, reject });
      if (this.#retry) return; // waiting for a lock held elsewhere: the retry takes this job too
      if (this.#queue.length >= this.#maxJobs) this.flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (normally called by the scheduler). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    if (!this.#client.open) {
      const closed = new Error('the database connection is closed');
      for (const job of batch) job.reject(closed);
      return;
    }
    if (this.#client.inTransaction) {
      // Someone else holds a transaction on this connection (cannot happen with synchronous
      // callers, but never nest): try again on the next turn.
      this.#queue = batch.concat(this.#queue);
      this.#scheduled = true;
      setImmediate(() => this.flush());
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const s = this.#statements;
    try {
      s.begin.run();
    } catch (error) {
      this.#lockedElsewhere(batch, error);
      return;
    }
    this.#lockedSinceMs = null;
    try {
      for (const job of batch) {
        if (!job.oneStatement) s.savepoint.run();
        try {
          const value = job.work();
          if (!job.oneStatement) s.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          // Some errors (disk full, I/O) roll back the whole transaction: then nothing of the batch is stored.
          if (!this.#client.inTransaction) throw error;
          if (!job.oneStatement) {
            s.undo.run();
            s.release.run();
          }
          outcomes.push({ ok: false, error });
        }
      }
      s.commit.run();
    } catch (error) {
      if (this.#client.inTransaction) s.rollback.run();
      noteWriteFailure(this.#client, error);
      const reason = asUnavailable(error);
      for (const job of batch) job.reject(reason);
      return;
    }
    noteWriteSuccess(this.#client);
    this.stats.commits++;
    this.stats.jobs += batch.length;
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  /** BEGIN failed: wait for a lock held elsewhere on a timer, or fail the batch as unavailable. */
  #lockedElsewhere(batch: Job[], error: unknown): void {
    const fault = databaseFault(error);
    const nowMs = Date.now();
    this.#lockedSinceMs ??= nowMs;
    const waitedMs = nowMs - this.#lockedSinceMs;
    if (fault?.code === 'database_busy' && waitedMs < this.#maxLockWaitMs) {
      this.#queue = batch.concat(this.#queue);
      const delayMs = Math.min(50, 2 + waitedMs / 4);
      this.#retry = setTimeout(() => { this.#retry = null; this.flush(); }, delayMs);
      return;
    }
    this.#lockedSinceMs = null;
    noteWriteFailure(this.#client, error);
    const reason = asUnavailable(error);
    for (const job of batch) job.reject(reason);
  }
}

const committers = new WeakMap<Database.Database, GroupCommit>();

/** The one group committer of a connection. */
export function groupCommitFor(client: Database.Database): GroupCommit {
  let committer = committers.get(client);
  if (!committer) committers.set(client, (committer = new GroupCommit(client)));
  return committer;
}
