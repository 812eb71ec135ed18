/**
 * The tests of calendar/experiments, calendar/lifecycle and calendar/planning read and set up
 * rows here, with SQL, since calendar/ itself has none: what is stored (experiments, variants,
 * metric roles, criteria, layers, the audit log in write order) and what only other paths
 * write (exposures, events, a status or date set behind the domain's back).
 * @example let rows: ExperimentRows; useSeededDatabase(nowMs, (db, fresh) => { data = fresh; rows = experimentRows(db); });
 */
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/connection.ts';
import { auditLog, events, experimentMetrics, experiments, exposures, layers, metrics, successCriteria, variants } from '../../db/sqlite/schema.ts';
import type { AuditRecord, Experiment, ExperimentStatus, Layer, Metric, SuccessCriterion, Variant } from '../../calendar/model.ts';

type ExperimentWhere = { key?: string; id?: number; status?: ExperimentStatus; week?: number };
type ExperimentSet = Partial<Omit<Experiment, 'id'>>;

function whereOf(where: ExperimentWhere): SQL | undefined {
  const parts: SQL[] = [];
  if (where.key !== undefined) parts.push(eq(experiments.key, where.key));
  if (where.id !== undefined) parts.push(eq(experiments.id, where.id));
  if (where.status !== undefined) parts.push(eq(experiments.status, where.status));
  if (where.week !== undefined) parts.push(eq(experiments.week, where.week));
  return and(...parts);
}

export function experimentRows(db: Db) {
  return {
    /** The stored experiment (throws when there is none). */
    row(key: string): Experiment {
      const found = db.select().from(experiments).where(eq(experiments.key, key)).get();
      if (!found) throw new Error(`no experiment '${key}'`);
      return found;
    },
    /** Every experiment, by id; optionally those matching `where`. */
    experiments(where: ExperimentWhere = {}): Experiment[] {
      return db.select().from(experiments).where(whereOf(where)).orderBy(asc(experiments.id)).all();
    },
    /** Sets columns of the experiments matching `where` directly (a status, date or slice set by something else). */
    setExperiments(where: ExperimentWhere, values: ExperimentSet): number {
      return db.update(experiments).set(values).where(whereOf(where)).run().changes;
    },
    /** Variants by position. */
    variants(experimentId: number): Variant[] {
      return db.select().from(variants).where(eq(variants.experimentId, experimentId)).orderBy(asc(variants.position)).all();
    },
    /** Success criteria in the order written. */
    criteria(experimentId: number): SuccessCriterion[] {
      return db.select().from(successCriteria).where(eq(successCriteria.experimentId, experimentId)).orderBy(asc(successCriteria.id)).all();
    },
    /** The experiment's metric keys with their roles. */
    metricRoles(experimentId: number): Array<{ key: string; role: string }> {
      return db.select({ key: metrics.key, role: experimentMetrics.role }).from(experimentMetrics)
        .innerJoin(metrics, eq(metrics.id, experimentMetrics.metricId)).where(eq(experimentMetrics.experimentId, experimentId)).all();
    },
    metric(key: string): Metric {
      const found = db.select().from(metrics).where(eq(metrics.key, key)).get();
      if (!found) throw new Error(`no metric '${key}'`);
      return found;
    },
    setMetric(key: string, values: Partial<Omit<Metric, 'id' | 'key'>>): void {
      db.update(metrics).set(values).where(eq(metrics.key, key)).run();
    },
    /** Every layer, by id. */
    /**
     * Takes every experiment out of its layer and deletes the layers: the seeded starter plan
     * without the layer that keeps its neighbouring weeks apart, for tests about conflicts and layers.
     */
    clearLayers(): void {
      db.update(experiments).set({ layerId: null, layerStart: null, layerEnd: null }).run();
      db.delete(layers).run();
    },
    layers(): Layer[] {
      return db.select().from(layers).orderBy(asc(layers.id)).all();
    },
    /** Audit lines in the order written, optionally of one entity and/or action. */
    audit(filter: { entityId?: string; action?: string } = {}): AuditRecord[] {
      const parts: SQL[] = [];
      if (filter.entityId !== undefined) parts.push(eq(auditLog.entityId, filter.entityId));
      if (filter.action !== undefined) parts.push(eq(auditLog.action, filter.action));
      return db.select().from(auditLog).where(and(...parts)).orderBy(asc(auditLog.id)).all();
    },
    /** The last audit line written. */
    lastAudit(): AuditRecord {
      return db.select().from(auditLog).orderBy(desc(auditLog.id)).get()!;
    },
    /** Records first exposures as the assignment API would. */
    addExposures(rows: Array<{ experimentId: number; userId: string; variantKey: string; firstExposedAtMs: number; lastExposedAtMs?: number }>): void {
      if (rows.length === 0) return;
      db.insert(exposures).values(rows.map((r) => ({ ...r, lastExposedAtMs: r.lastExposedAtMs ?? r.firstExposedAtMs }))).run();
    },
    /** Records events as the ingest API would. */
    addEvents(rows: Array<{ userId: string; eventName: string; timestampMs: number; receivedAtMs?: number }>): void {
      if (rows.length === 0) return;
      db.insert(events).values(rows.map((r) => ({ ...r, receivedAtMs: r.receivedAtMs ?? r.timestampMs }))).run();
    }
  };
}

export type ExperimentRows = ReturnType<typeof experimentRows>;
