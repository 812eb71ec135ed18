import type Database from 'better-sqlite3';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DatabaseUnavailableError } from '../../faults.ts';
import { asUnavailable, databaseFault, noteWriteFailure, noteWriteSuccess } from '../faults.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';

/** Jobs after which a committer with `checkpointThread` starts its checkpointer: a connection that takes real traffic, not a test's few writes. */
const checkpointerAfterJobs = 5000;

type Job = { work: () => unknown; oneStatement: boolean; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Group commit: writes queued during one turn of the event loop share one transaction, so
 * one fsync (`synchronous = FULL`) acknowledges many requests. A failing job rolls back alone:
 * each job runs in its own savepoint, except a job that is one SQL statement (SQLite undoes a
 * failed statement by itself; a savepoint pair costs about 6 µs a job on a file database).
 * A promise resolves only after COMMIT, and on a WAL file database with `synchronous = FULL`
 * only once the commit is on disk: the COMMIT itself runs with `synchronous = NORMAL` (it writes
 * the WAL, no fsync) and the WAL file is then fdatasync'ed on libuv's thread pool, so the fsync
 * no longer blocks this thread (the event loop parses the next requests meanwhile). That is the
 * fsync FULL makes at each commit, made by us before any job resolves; NORMAL keeps the syncs of
 * checkpoints and of the WAL header. The connection's own level is set back after each batch, so
 * its other transactions stay FULL.
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
  /**
   * A committed batch's WAL sync is in flight: the next batch waits for it (unless `maxJobs` are
   * queued), so it takes every job that arrived meanwhile. Committing at once would make more,
   * smaller commits, and a commit costs its pages' writes whatever its size.
   */
  #syncing = false;
  /** When BEGIN first found the database locked by someone else (null: not waiting). */
  #lockedSinceMs: number | null = null;
  #retry: NodeJS.Timeout | null = null;
  readonly #statements: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'undo', Database.Statement>;
  /** The WAL file this committer syncs itself, with the statements around the batch; null: COMMIT syncs as the connection says. */
  #walSync: WalSync | null | undefined;
  /** Whether the WAL's directory entry was synced (once, before the first sync of the WAL file). */
  #directorySynced = false;
  readonly #syncFile: (path: string) => Promise<void>;
  #checkpointThread: boolean;
  #checkpointer: Checkpointer | null = null;
  /** Transactions committed and jobs in them, for tests and benchmarks. */
  readonly stats = { commits: 0, jobs: 0 };

  /**
   * `syncFile`: how a file (the WAL, its directory) is synced to disk; `fdatasyncFile` unless a
   * test watches or fails it. `checkpointThread`: once the committer has taken some thousand jobs
   * on a WAL file at FULL, WAL checkpoints run on a thread of their own (checkpointer.ts), not in
   * this thread's COMMITs; for the HTTP thread's committer (`groupCommitFor`).
   */
  constructor(client: Database.Database, options: { maxJobs?: number; maxLockWaitMs?: number; syncFile?: (path: string) => Promise<void>; checkpointThread?: boolean } = {}) {
    this.#client = client;
    this.#syncFile = options.syncFile ?? fdatasyncFile;
    this.#checkpointThread = options.checkpointThread === true;
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
    if (this.#syncing && this.#queue.length < this.#maxJobs) return; // the sync's end flushes
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
    const walSync = (this.#walSync ??= walSyncFor(this.#client));
    // A PRAGMA that sets a value acts when it is prepared, not when run: so exec each time (a few µs a batch).
    if (walSync) this.#client.exec('PRAGMA synchronous = NORMAL');
    try {
      this.#commit(batch);
    } finally {
      if (walSync) this.#client.exec(walSync.restore);
    }
  }

  /** Runs `batch` in one transaction; settles its jobs once committed (and synced), or rejects them all. */
  #commit(batch: Job[]): void {
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
    const settle = () => batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
    if (!this.#walSync) return settle();
    if (this.#checkpointThread && !this.#checkpointer && this.stats.jobs >= checkpointerAfterJobs) {
      try {
        this.#checkpointer = startCheckpointer(this.#client);
      } catch {
        this.#checkpointThread = false; // no thread (a worker cannot start): SQLite's own checkpoints stay
      }
    }
    this.#syncing = true;
    this.#syncWal(this.#walSync.path).then(settle, (error: NodeJS.ErrnoException) => {
      const reason = new DatabaseUnavailableError({
        code: 'database_io_error', retryAfterSeconds: 5,
        message: `The database's log could not be synced to disk (${error.code ?? error.message}); the write may not be stored. Retry shortly.`
      }, { cause: error });
      noteWriteFailure(this.#client, reason);
      for (const job of batch) job.reject(reason);
    }).finally(() => {
      this.#syncing = false;
      if (this.#queue.length > 0 && !this.#retry) this.flush();
    });
  }

  /**
   * Syncs the WAL file (after its directory, the first time: a new WAL file's name must be on
   * disk too). A WAL file that is gone was checkpointed and removed by the last connection's
   * close, which syncs the database file first: nothing is left to sync.
   */
  async #syncWal(path: string): Promise<void> {
    if (!this.#directorySynced) {
      await this.#syncFile(dirname(path));
      this.#directorySynced = true;
    }
    try {
      await this.#syncFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
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

/**
 * fdatasync of the file at `path` on libuv's thread pool (open, sync, close: no descriptor is
 * kept, so a closed connection leaves none behind; a directory is synced the same way).
 * @example await fdatasyncFile('data/app.db-wal');
 */
export async function fdatasyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * For a WAL file database at `synchronous = FULL` (or EXTRA): the WAL path and the statement that
 * sets the connection's level back after a batch (run at NORMAL). Null for anything else (in memory, another journal
 * mode, a connection that asked for less): there COMMIT does what the connection says.
 */
function walSyncFor(client: Database.Database): WalSync | null | undefined {
  if (client.memory) return null;
  try {
    if (client.pragma('journal_mode', { simple: true }) !== 'wal') return null;
    const level = client.pragma('synchronous', { simple: true }) as number;
    if (level < 2) return null;
    return { path: `${client.name}-wal`, restore: `PRAGMA synchronous = ${level}` };
  } catch {
    return undefined; // the file cannot be read (not a database, …): BEGIN fails with the cause; asked again next batch
  }
}
type WalSync = { path: string; restore: string };

const committers = new WeakMap<Database.Database, GroupCommit>();

/** The one group committer of a connection (its WAL checkpoints on a thread of their own once it is busy). */
export function groupCommitFor(client: Database.Database): GroupCommit {
  let committer = committers.get(client);
  if (!committer) committers.set(client, (committer = new GroupCommit(client, { checkpointThread: true })));
  return committer;
}
