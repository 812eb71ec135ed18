import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { bootWorker } from '../boot-worker.ts';
import { groupCommitFor } from './group-commit.ts';
import { queueWrite, type WriteOpName, type WritePayload, type WriteResult } from './write-ops.ts';
import type { WriteReplies, WriteRequest } from './write-requests.ts';
import { config } from '../../config.ts';

/** Runs the ingest writes in group commits; a promise resolves only after its COMMIT returned. */
export interface Writer {
  write<K extends WriteOpName>(op: K, payload: WritePayload<K>): Promise<WriteResult<K>>;
  /** Transactions committed and jobs in them (as last reported), for tests and benchmarks. */
  readonly stats: { commits: number; jobs: number };
  /** Whether the writes run on a thread of their own. */
  readonly threaded: boolean;
  close(): Promise<void>;
}

type Pending = { resolve: (value: never) => void; reject: (error: unknown) => void };

/** The writer thread for a database file (`INGEST_WRITER=thread`): `writer-worker.ts` with its own connection. */
class ThreadWriter implements Writer {
  readonly threaded = true;
  stats = { commits: 0, jobs: 0 };
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #watch: NodeJS.Timeout;
  #nextId = 1;
  #outbox: WriteRequest[] = [];
  #failure: Error | null = null;

  constructor(client: Database.Database) {
    this.#worker = new Worker(bootWorker(new URL('./writer-worker.ts', import.meta.url).href), {
      eval: true, workerData: { path: client.name }
    });
    this.#worker.unref(); // never keeps the process alive; a kill loses only unacknowledged writes
    this.#worker.on('message', ({ replies, stats }: WriteReplies) => {
      this.stats = stats;
      for (const r of replies) {
        const pending = this.#pending.get(r.id);
        this.#pending.delete(r.id);
        if (r.ok) pending?.resolve(r.value as never);
        else pending?.reject(new Error(r.error));
      }
    });
    const fail = (error: Error) => {
      this.#failure = error;
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
      writers.delete(client);
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the writer thread exited (${code})`)));
    // The connection's owner closed it (tests, shutdown): stop the thread too.
    this.#watch = setInterval(() => { if (!client.open) void this.close(); }, 1000).unref();
  }

  write<K extends WriteOpName>(op: K, payload: WritePayload<K>): Promise<WriteResult<K>> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<WriteResult<K>>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: never) => void, reject });
      // One message per turn of the event loop: a message costs more than its payload.
      if (this.#outbox.length === 0) setImmediate(() => this.#send());
      this.#outbox.push({ id, op, payload });
    });
  }

  #send(): void {
    const requests = this.#outbox;
    this.#outbox = [];
    this.#worker.postMessage(requests);
  }

  async close(): Promise<void> {
    clearInterval(this.#watch);
    await this.#worker.terminate();
  }
}

/** In process: the connection's own group committer (the default, and always for an in-memory database). */
class InlineWriter implements Writer {
  readonly threaded = false;
  readonly #client: Database.Database;
  constructor(client: Database.Database) { this.#client = client; }
  get stats() { return groupCommitFor(this.#client).stats; }
  write<K extends WriteOpName>(op: K, payload: WritePayload<K>): Promise<WriteResult<K>> {
    return queueWrite(groupCommitFor(this.#client), this.#client, op, payload);
  }
  async close(): Promise<void> {}
}

const writers = new WeakMap<Database.Database, Writer>();

/**
 * Which writer a database file gets: `INGEST_WRITER=thread` for the writer thread, else inline.
 * Inline is the default because it measured faster on the 2-core benchmark machine, where the
 * load generator takes a core: the thread's hops cost more than the fsync it takes off this
 * thread (about 0.2 ms per commit there). See bench/api.bench.ts, which runs both.
 */
function threadWanted(): boolean {
  return config().ingestWriter === 'thread';
}

/**
 * The one writer of a connection: the connection's own group committer (default), or a writer
 * thread with its own connection to the same file (`threaded`, or `INGEST_WRITER=thread`; WAL:
 * this connection sees each commit before the write's promise resolves). An in-memory database
 * is always written inline (no other connection can see it). The first call decides.
 * @example const stored = await writerFor(db.$client).write('events', rows);
 */
export function writerFor(client: Database.Database, options: { threaded?: boolean } = {}): Writer {
  let writer = writers.get(client);
  if (!writer) {
    const inMemory = client.memory || client.name === '' || client.name === ':memory:';
    const threaded = !inMemory && (options.threaded ?? threadWanted());
    writers.set(client, (writer = threaded ? new ThreadWriter(client) : new InlineWriter(client)));
  }
  return writer;
}
