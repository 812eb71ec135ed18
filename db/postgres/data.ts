/**
 * The PostgreSQL engine behind the data seam (`db/store`): a `Data` over a connection pool.
 *
 * Outside a transaction every store call is one statement on whichever pooled connection is
 * free (autocommit). `transaction(work)` takes one connection from the pool for a Drizzle
 * transaction (BEGIN … COMMIT, ROLLBACK when `work` rejects) and gives `work` stores bound to
 * it; `transaction` inside joins the same one (no savepoints), as in SQLite. Unlike SQLite,
 * transactions run side by side (one connection each, SERIALIZABLE with retries), limited by
 * the pool size, not queued behind each other.
 */
import type { Data, Stores } from '../store/index.ts';
import type { PgDb } from './connection.ts';
import { postgresExperimentStore, postgresLayerStore, type PgExecutor } from './experiments.ts';
import {
  postgresAuditStore, postgresDecisionStore, postgresIdeaStore, postgresKeyStore, postgresMetricStore, postgresPlanStore,
  postgresPlaybookStore
} from './catalog.ts';
import { postgresReportStore } from './reports.ts';
import { postgresReportSource } from './report-source.ts';

/** What a store not written for PostgreSQL yet throws (see the list in `notYet`). */
export class NotOnPostgresError extends Error {
  constructor(what: string) {
    super(`${what} is not implemented on PostgreSQL yet (use the SQLite database: unset DATABASE_URL)`);
    this.name = 'NotOnPostgresError';
  }
}

/** The stores on `db` (the pool or a transaction); reports always run on the pool, in their own transactions. */
function storesOf(db: PgExecutor, reports: Pick<Stores, 'reports' | 'reportSource'>): Stores {
  return {
    experiments: postgresExperimentStore(db),
    layers: postgresLayerStore(db),
    plans: postgresPlanStore(db),
    metrics: postgresMetricStore(db),
    ideas: postgresIdeaStore(db),
    playbook: postgresPlaybookStore(db),
    decisions: postgresDecisionStore(db),
    audit: postgresAuditStore(db),
    keys: postgresKeyStore(db),
    ...reports
  };
}

class PostgresData implements Data {
  readonly experiments; readonly layers; readonly plans; readonly metrics; readonly ideas;
  readonly playbook; readonly decisions; readonly audit; readonly keys; readonly reports; readonly reportSource;
  readonly #db: PgDb;
  readonly #reports: Pick<Stores, 'reports' | 'reportSource'>;

  constructor(db: PgDb) {
    this.#db = db;
    this.#reports = { reports: postgresReportStore(() => this), reportSource: postgresReportSource(db.$client) };
    ({
      experiments: this.experiments, layers: this.layers, plans: this.plans, metrics: this.metrics, ideas: this.ideas,
      playbook: this.playbook, decisions: this.decisions, audit: this.audit, keys: this.keys, reports: this.reports,
      reportSource: this.reportSource
    } = storesOf(db, this.#reports));
  }

  get inTransaction(): boolean { return false; }

  /**
   * SERIALIZABLE, retried: the domain reads, checks and writes in one transaction (a status
   * check before a transition, a free layer slice before a start). SQLite gives that by letting
   * one writer in at a time; here replicas run transactions side by side, so PostgreSQL checks
   * that the outcome equals some serial order and fails one of two conflicting transactions
   * (40001, or 40P01 on a deadlock), which is then run again from the start.
   */
  async transaction<T>(work: (tx: Data) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction(async (pgTx) => {
          // Stores bound to this transaction's connection; `transaction` inside joins it.
          const tx: Data = { ...storesOf(pgTx, this.#reports), inTransaction: true, transaction: (inner) => inner(tx) };
          return work(tx);
        }, { isolationLevel: 'serializable' });
      } catch (err) {
        const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
        if ((code !== '40001' && code !== '40P01') || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }
}

const dataKey = Symbol.for('weekly-experiments.postgres-data');
type WithData = { [dataKey]?: Data };

/**
 * The data seam over a PostgreSQL pool (one per pool, created on first use).
 * @example const data = postgresData(openPostgres(url)); await data.plans.list();
 */
export function postgresData(db: PgDb): Data {
  const holder = db.$client as unknown as WithData;
  return (holder[dataKey] ??= new PostgresData(db));
}
