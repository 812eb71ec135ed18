/**
 * The data seam: what the domain (`calendar/`) and the UI (`web/`) may ask of the database.
 * Every store returns Promises, whatever the engine; one implementation per engine lives in
 * its own folder (`db/sqlite/`), chosen at start. The domain never sees SQL, Drizzle or a driver.
 *
 *   web/ (SvelteKit) ─┐
 *                     ├─► calendar/ (domain) ─► Data (these interfaces) ─► db/sqlite/ ─► SQLite file
 *   api/ (Hono) ──────┘
 */
import type { ExperimentStore, LayerStore } from './experiments.ts';
import type { AuditStore, DecisionStore, IdeaStore, KeyStore, MetricStore, PlanStore, PlaybookStore } from './catalog.ts';
import type { ReportSource, ReportStore } from './reports.ts';

export type * from './experiments.ts';
export type * from './catalog.ts';
export type * from './reports.ts';
export type * from './ingest.ts';
export type * from './replicas.ts';

/** Every store of one database. */
export interface Stores {
  readonly experiments: ExperimentStore;
  readonly layers: LayerStore;
  readonly plans: PlanStore;
  readonly metrics: MetricStore;
  readonly ideas: IdeaStore;
  readonly playbook: PlaybookStore;
  readonly decisions: DecisionStore;
  readonly audit: AuditStore;
  readonly keys: KeyStore;
  readonly reports: ReportStore;
  readonly reportSource: ReportSource;
}

/**
 * The stores plus a unit of work. `transaction(work)` runs `work` with stores bound to one
 * transaction: committed when its promise resolves, rolled back when it rejects. Inside a
 * transaction, `transaction` again just runs `work` in the same one (no nesting).
 *
 * Keep database calls the only awaits inside `work`: a transaction holds the write lock until
 * it ends, so a long computation or a network call inside one blocks every other writer.
 * @example await data.transaction(async (tx) => { const e = await tx.experiments.byKey(key); await tx.audit.append({...}); });
 */
export interface Data extends Stores {
  transaction<T>(work: (tx: Data) => Promise<T>): Promise<T>;
  /** True inside `transaction`. */
  readonly inTransaction: boolean;
}
