/**
 * The PostgreSQL engine behind the data seam (`db/store`): a `Data` over a connection pool.
 *
 * Outside a transaction every store call is one statement on whichever pooled connection is
 * free (autocommit). `transaction(work)` takes one connection from the pool for a Drizzle
 * transaction (BEGIN … COMMIT, ROLLBACK when `work` rejects) and gives `work` stores bound to
 * it; `transaction` inside joins the same one (no savepoints), as in SQLite. Unlike SQLite,
 * transactions of one process run side by side (one connection each, read committed), so two
 * at once are limited by the pool size, not queued behind each other.
 */
import type { Data, ReportSource, ReportStore, Stores } from '../store/index.ts';
import type { PgDb } from './connection.ts';
import { postgresExperimentStore, postgresLayerStore, type PgExecutor } from './experiments.ts';
import {
  postgresAuditStore, postgresDecisionStore, postgresIdeaStore, postgresKeyStore, postgresMetricStore, postgresPlanStore,
  postgresPlaybookStore
} from './catalog.ts';

/** What a store not written for PostgreSQL yet throws (see the list in `notYet`). */
export class NotOnPostgresError extends Error {
  constructor(what: string) {
    super(`${what} is not implemented on PostgreSQL yet (use the SQLite database: unset DATABASE_URL)`);
    this.name = 'NotOnPostgresError';
  }
}

const notYetReports: ReportStore = {
  report: async () => { throw new NotOnPostgresError('reports.report'); },
  segments: async () => { throw new NotOnPostgresError('reports.segments'); },
  get threaded() { return false; }
};
const notYetReportSource: ReportSource = {
  aggregates: async () => { throw new NotOnPostgresError('reportSource.aggregates'); },
  segmentSeen: async () => { throw new NotOnPostgresError('reportSource.segmentSeen'); },
  segmentAttributes: async () => { throw new NotOnPostgresError('reportSource.segmentAttributes'); }
};

function storesOf(db: PgExecutor): Stores {
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
    reports: notYetReports,
    reportSource: notYetReportSource
  };
}

class PostgresData implements Data {
  readonly experiments; readonly layers; readonly plans; readonly metrics; readonly ideas;
  readonly playbook; readonly decisions; readonly audit; readonly keys; readonly reports; readonly reportSource;
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
    ({
      experiments: this.experiments, layers: this.layers, plans: this.plans, metrics: this.metrics, ideas: this.ideas,
      playbook: this.playbook, decisions: this.decisions, audit: this.audit, keys: this.keys, reports: this.reports,
      reportSource: this.reportSource
    } = storesOf(db));
  }

  get inTransaction(): boolean { return false; }

  transaction<T>(work: (tx: Data) => Promise<T>): Promise<T> {
    return this.#db.transaction(async (pgTx) => {
      // Stores bound to this transaction's connection; `transaction` inside joins it.
      const tx: Data = { ...storesOf(pgTx), inTransaction: true, transaction: (inner) => inner(tx) };
      return work(tx);
    });
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
