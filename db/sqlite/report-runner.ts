/**
 * Reports off the request thread. `reportsFor(db)` is the one report runner of a database:
 * for a file, a worker thread (`report-worker.ts`) with its own connection computes every
 * report (the domain's `buildReport` over that connection's stores), so a cold 1M-user
 * rebuild or a segment split never blocks the event loop that answers `/assign` and
 * `/events`; for an in-memory database (tests), the same code in process.
 * Two concurrent requests for the same report share one computation.
 *
 * The runner hangs on the connection object (a `Symbol.for` key), not on this module: the
 * SvelteKit bundle holds a second copy of this module, and both must reach one thread.
 */
import { Worker } from 'node:worker_threads';
import type { Db } from './connection.ts';
import { bootWorker } from './boot-worker.ts';
import type { Data } from '../store/index.ts';
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from '../../calendar/errors.ts';
import { computeReportJob, type ReportJob } from '../../calendar/reports/jobs.ts';
import type { Report, ReportOptions } from '../../calendar/reports/types.ts';

/** The worker's answer to request `id`: the value, or the error as the runner rebuilds it. */
export type ReportReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code: string | null } };

const runnerKey = Symbol.for('weekly-experiments.report-runner');
type WithRunner = { [runnerKey]?: ReportRunner };

export interface ReportRunner {
  /** The report of experiment `key` (throws NotFoundError for an unknown key). */
  report(key: string, options: ReportOptions, nowMs: number): Promise<Report>;
  /** Exposure attributes the report can be split by. */
  segments(key: string): Promise<string[]>;
  /** Whether the reports run on a thread of their own. */
  readonly threaded: boolean;
  close(): Promise<void>;
}

/** The worker's error as the class callers catch (NotFoundError → 404, ...), with its message. */
const domainErrors: Record<string, (message: string) => DomainError> = {
  NotFoundError: (message) => Object.assign(new NotFoundError('experiment', ''), { message }),
  ConflictError: (message) => new ConflictError(message),
  InvalidInputError: (message) => new InvalidInputError(message)
};

function rebuildError(error: { name: string; message: string; code: string | null }): Error {
  if (error.code === null) return Object.assign(new Error(error.message), { name: error.name });
  return domainErrors[error.name]?.(error.message) ?? new DomainError(error.code, error.message);
}

abstract class SharedRuns implements ReportRunner {
  abstract readonly threaded: boolean;
  readonly #inFlight = new Map<string, Promise<unknown>>();
  protected abstract run(job: ReportJob): Promise<unknown>;
  abstract close(): Promise<void>;

  #shared<T>(job: ReportJob, sameAs: unknown[]): Promise<T> {
    const key = JSON.stringify(sameAs);
    const running = this.#inFlight.get(key);
    if (running) return running as Promise<T>;
    const promise = this.run(job).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise as Promise<T>;
  }

  report(key: string, options: ReportOptions, nowMs: number): Promise<Report> {
    // Requests in flight at once share the first one's computation (and its clock reading).
    return this.#shared<Report>({ op: 'report', key, options, nowMs }, ['report', key, options.analysis, options.correction, options.alpha, options.segment]);
  }

  segments(key: string): Promise<string[]> {
    return this.#shared<string[]>({ op: 'segments', key }, ['segments', key]);
  }
}

class InProcessRunner extends SharedRuns {
  readonly threaded = false;
  constructor(private readonly data: () => Data) { super(); }
  protected run(job: ReportJob): Promise<unknown> { return computeReportJob(this.data(), job); }
  async close(): Promise<void> {}
}

class ThreadRunner extends SharedRuns {
  readonly threaded = true;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #nextId = 1;
  #failure: Error | null = null;

  readonly #watch: NodeJS.Timeout;

  constructor(db: Db) {
    super();
    const client = db.$client;
    this.#worker = new Worker(bootWorker(new URL('./report-worker.ts', import.meta.url).href), { eval: true, workerData: { path: client.name } });
    this.#worker.unref();
    this.#worker.on('message', (reply: ReportReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (reply.ok) pending?.resolve(reply.value);
      else pending?.reject(rebuildError(reply.error));
    });
    const fail = (error: Error) => {
      this.#failure = error;
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the report thread exited (${code})`)));
    // The connection's owner closed it (tests, shutdown): stop the thread too.
    this.#watch = setInterval(() => {
      if (client.open) return;
      delete (client as unknown as WithRunner)[runnerKey];
      void this.close();
    }, 1000).unref();
  }

  protected run(job: ReportJob): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref(); // a report being computed keeps the process alive until it answers
      this.#worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#watch);
    this.#failure ??= new Error('the report runner is closed');
    await this.#worker.terminate();
  }
}

/**
 * The report runner of `db` (created on first use): a worker thread for a database file,
 * in process for an in-memory one (over `data`, the connection's own stores: the report store
 * passes them). Stopped when the connection closes.
 * @example const report = await reportsFor(db).report('w01-onboarding-ebook-reminder', {}, now());
 */
export function reportsFor(db: Db, data?: () => Data): ReportRunner {
  const client = db.$client as unknown as WithRunner;
  let runner = client[runnerKey];
  if (!runner) {
    const path = db.$client.name;
    const inMemory = db.$client.memory || path === '' || path === ':memory:';
    if (inMemory && !data) throw new Error('an in-memory database computes its reports in process: ask its report store (data.reports)');
    runner = inMemory ? new InProcessRunner(data!) : new ThreadRunner(db);
    client[runnerKey] = runner;
  }
  return runner;
}

/** Stops the runner of `db`, if it has one (shutdown; a closed connection stops it within a second anyway). */
export async function closeReports(db: Db): Promise<void> {
  const client = db.$client as unknown as WithRunner;
  const runner = client[runnerKey];
  delete client[runnerKey];
  await runner?.close();
}
