/**
 * The SQLite engine behind the data seam (`db/store`): one `Data` per connection, its stores,
 * and the unit of work.
 *
 * better-sqlite3 is synchronous, so every store call finishes before its promise resolves; a
 * transaction is `BEGIN IMMEDIATE` … `COMMIT` around the awaited work on the one connection.
 * Transactions of one connection take turns (a promise chain), so an `await` inside one can
 * never let another request's writes into it. Writes outside a transaction are single
 * statements (autocommit); the domain writes through `transaction`.
 */
import type { Data, Stores } from '../store/index.ts';
import type { Db } from './connection.ts';
import { noteWriteFailure } from './faults.ts';
import { sqliteExperimentStore, sqliteLayerStore } from './experiments.ts';
import {
  sqliteAuditStore, sqliteDecisionStore, sqliteIdeaStore, sqliteKeyStore, sqliteMetricStore, sqlitePlanStore, sqlitePlaybookStore
} from './catalog.ts';
import { sqliteReportStore } from './reports.ts';
import { sqliteReportSource } from './report-source.ts';

const dataKey = Symbol.for('weekly-experiments.sqlite-data');
type WithData = { [dataKey]?: Data };

function storesOf(db: Db): Stores {
  return {
    experiments: sqliteExperimentStore(db),
    layers: sqliteLayerStore(db),
    plans: sqlitePlanStore(db),
    metrics: sqliteMetricStore(db),
    ideas: sqliteIdeaStore(db),
    playbook: sqlitePlaybookStore(db),
    decisions: sqliteDecisionStore(db),
    audit: sqliteAuditStore(db),
    keys: sqliteKeyStore(db),
    reports: sqliteReportStore(db, () => sqliteData(db)),
    reportSource: sqliteReportSource(db)
  };
}

class SqliteData implements Data {
  readonly experiments; readonly layers; readonly plans; readonly metrics; readonly ideas;
  readonly playbook; readonly decisions; readonly audit; readonly keys; readonly reports; readonly reportSource;
  /** The end of the last queued transaction: the next one starts after it. */
  #turn: Promise<unknown> = Promise.resolve();
  readonly #db: Db;
  readonly #tx: Data;

  constructor(db: Db, stores: Stores) {
    this.#db = db;
    ({
      experiments: this.experiments, layers: this.layers, plans: this.plans, metrics: this.metrics, ideas: this.ideas,
      playbook: this.playbook, decisions: this.decisions, audit: this.audit, keys: this.keys, reports: this.reports,
      reportSource: this.reportSource
    } = stores);
    // Inside a transaction: the same stores (same connection), and `transaction` joins it.
    this.#tx = { ...stores, inTransaction: true, transaction: (work) => work(this.#tx) };
  }

  get inTransaction(): boolean { return false; }

  transaction<T>(work: (tx: Data) => Promise<T>): Promise<T> {
    const run = this.#turn.then(() => this.#run(work));
    this.#turn = run.catch(() => undefined);
    return run;
  }

  async #run<T>(work: (tx: Data) => Promise<T>): Promise<T> {
    const client = this.#db.$client;
    try {
      // IMMEDIATE: take the write lock now, so a transaction never fails half-way on a lock.
      client.prepare('BEGIN IMMEDIATE').run();
    } catch (err) {
      noteWriteFailure(client, err);
      throw err;
    }
    try {
      const result = await work(this.#tx);
      client.prepare('COMMIT').run();
      return result;
    } catch (err) {
      if (client.inTransaction) client.prepare('ROLLBACK').run();
      noteWriteFailure(client, err);
      throw err;
    }
  }
}

/**
 * The data seam over an open SQLite connection (one per connection, created on first use).
 * @example const data = sqliteData(openDatabase(':memory:')); await data.plans.list();
 */
export function sqliteData(db: Db): Data {
  const holder = db.$client as unknown as WithData;
  return (holder[dataKey] ??= new SqliteData(db, storesOf(db)));
}
