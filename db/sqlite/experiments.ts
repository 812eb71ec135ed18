/** SQLite stores of experiments (with variants, metric links, criteria) and layers. */
import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from './connection.ts';
import { amendments, experimentMetrics, experiments, exposures, layers, metrics, successCriteria, variants } from './schema.ts';
import type { ExperimentStore, LayerStore } from '../store/index.ts';

const roleOrder = { primary: 0, secondary: 1, guardrail: 2 } as const;

export function sqliteExperimentStore(db: Db): ExperimentStore {
  const ordered = [asc(experiments.planId), asc(experiments.week), asc(experiments.id)];
  return {
    async byKey(key) { return db.select().from(experiments).where(eq(experiments.key, key)).get() ?? null; },
    async byId(id) { return db.select().from(experiments).where(eq(experiments.id, id)).get() ?? null; },
    async byKeys(keys) {
      return keys.length === 0 ? [] : db.select().from(experiments).where(inArray(experiments.key, keys)).orderBy(...ordered).all();
    },
    async list(filter = {}) {
      const where: SQL[] = [];
      if (filter.planId !== undefined) where.push(eq(experiments.planId, filter.planId));
      if (filter.status !== undefined) where.push(eq(experiments.status, filter.status));
      if (filter.statuses !== undefined) where.push(inArray(experiments.status, [...filter.statuses]));
      if (filter.layerId !== undefined) where.push(eq(experiments.layerId, filter.layerId));
      if (filter.hasStartDate) where.push(isNotNull(experiments.startDate));
      return db.select().from(experiments).where(and(...where)).orderBy(...ordered).all();
    },
    async runningPastEnd(today) {
      const endDate = sql<string>`date(${experiments.startDate}, '+' || (${experiments.durationDays} - 1) || ' days')`;
      return db.select().from(experiments).where(and(eq(experiments.status, 'running'), sql`${endDate} < ${today}`)).orderBy(...ordered).all();
    },
    async insert(values) { return db.insert(experiments).values(values).returning().get(); },
    async update(id, patch) { return db.update(experiments).set(patch).where(eq(experiments.id, id)).returning().get(); },
    async deleteOfPlan(planId) { db.delete(experiments).where(eq(experiments.planId, planId)).run(); },

    async variants(experimentId) {
      return db.select().from(variants).where(eq(variants.experimentId, experimentId)).orderBy(asc(variants.position)).all();
    },
    async upsertVariant(experimentId, values) {
      const { key, ...rest } = values;
      db.insert(variants).values({ experimentId, key, ...rest })
        .onConflictDoUpdate({ target: [variants.experimentId, variants.key], set: rest }).run();
    },
    async deleteVariants(experimentId, keys) {
      if (keys.length) db.delete(variants).where(and(eq(variants.experimentId, experimentId), inArray(variants.key, keys))).run();
    },
    async exposedUsers(experimentId, variantKeys) {
      if (variantKeys.length === 0) return 0;
      return db.select({ n: sql<number>`count(*)` }).from(exposures)
        .where(and(eq(exposures.experimentId, experimentId), inArray(exposures.variantKey, variantKeys))).get()!.n;
    },

    async metricLinks(experimentId) {
      return db.select({ metric: metrics, role: experimentMetrics.role }).from(experimentMetrics)
        .innerJoin(metrics, eq(metrics.id, experimentMetrics.metricId))
        .where(eq(experimentMetrics.experimentId, experimentId)).all()
        .sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.metric.key.localeCompare(b.metric.key));
    },
    async replaceMetricLinks(experimentId, links) {
      db.delete(experimentMetrics).where(eq(experimentMetrics.experimentId, experimentId)).run();
      for (const l of links) db.insert(experimentMetrics).values({ experimentId, metricId: l.metricId, role: l.role }).run();
    },
    async metricUsage(metricId) {
      return db.select({ metricId: experimentMetrics.metricId, experimentKey: experiments.key, experimentName: experiments.name, status: experiments.status, role: experimentMetrics.role })
        .from(experimentMetrics).innerJoin(experiments, eq(experiments.id, experimentMetrics.experimentId))
        .where(metricId === undefined ? undefined : eq(experimentMetrics.metricId, metricId))
        .orderBy(asc(experimentMetrics.metricId), asc(experiments.key)).all();
    },

    async criteria(experimentId) {
      return db.select().from(successCriteria).where(eq(successCriteria.experimentId, experimentId)).orderBy(asc(successCriteria.id)).all();
    },
    async replaceCriteria(experimentId, criteria) {
      db.delete(successCriteria).where(eq(successCriteria.experimentId, experimentId)).run();
      for (const c of criteria) db.insert(successCriteria).values({ experimentId, ...c }).run();
    },
    async amendments(experimentId) {
      return db.select().from(amendments).where(eq(amendments.experimentId, experimentId)).orderBy(asc(amendments.id)).all();
    },
    async insertAmendment(values) {
      return db.insert(amendments).values(values).returning().get();
    },
    async countReportView(experimentId) {
      const row = db.update(experiments).set({ reportViews: sql`${experiments.reportViews} + 1` }).where(eq(experiments.id, experimentId)).returning({ n: experiments.reportViews }).get();
      return row?.n ?? 0;
    }
  };
}

export function sqliteLayerStore(db: Db): LayerStore {
  return {
    async byKey(key) { return db.select().from(layers).where(eq(layers.key, key)).get() ?? null; },
    async byId(id) { return db.select().from(layers).where(eq(layers.id, id)).get() ?? null; },
    async list() { return db.select().from(layers).orderBy(asc(layers.key)).all(); },
    async insert(values) { return db.insert(layers).values(values).returning().get(); },
    async delete(id) { db.delete(layers).where(eq(layers.id, id)).run(); }
  };
}
