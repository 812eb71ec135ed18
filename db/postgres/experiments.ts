/** PostgreSQL stores of experiments (with variants, metric links, criteria) and layers. */
import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgDatabase } from 'drizzle-orm/pg-core';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import * as schema from './schema.ts';
import { amendments, experimentMetrics, experiments, exposures, layers, metrics, successCriteria, variants } from './schema.ts';
import type { ExperimentStore, LayerStore } from '../store/index.ts';

/** The pool's database or a transaction on one of its clients: what every PostgreSQL store runs on. */
export type PgExecutor = PgDatabase<NodePgQueryResultHKT, typeof schema>;

/** Keys sort by code point, like SQLite's BINARY collation, whatever the database's collation. */
export const byCodePoint = (column: AnyPgColumn) => sql`${column} collate "C"`;

export function postgresExperimentStore(db: PgExecutor): ExperimentStore {
  // NULLS FIRST: SQLite sorts nulls first in ascending order, PostgreSQL last unless told.
  const ordered = [sql`${experiments.planId} asc nulls first`, sql`${experiments.week} asc nulls first`, asc(experiments.id)];
  const first = async <T>(rows: Promise<T[]>): Promise<T | null> => (await rows)[0] ?? null;
  return {
    async byKey(key) { return first(db.select().from(experiments).where(eq(experiments.key, key)).limit(1)); },
    async byId(id) { return first(db.select().from(experiments).where(eq(experiments.id, id)).limit(1)); },
    async byKeys(keys) {
      return keys.length === 0 ? [] : db.select().from(experiments).where(inArray(experiments.key, keys)).orderBy(...ordered);
    },
    async list(filter = {}) {
      const where: SQL[] = [];
      if (filter.planId !== undefined) where.push(eq(experiments.planId, filter.planId));
      if (filter.status !== undefined) where.push(eq(experiments.status, filter.status));
      if (filter.statuses !== undefined) {
        if (filter.statuses.length === 0) return [];
        where.push(inArray(experiments.status, [...filter.statuses]));
      }
      if (filter.layerId !== undefined) where.push(eq(experiments.layerId, filter.layerId));
      if (filter.hasStartDate) where.push(isNotNull(experiments.startDate));
      return db.select().from(experiments).where(and(...where)).orderBy(...ordered);
    },
    async runningPastEnd(today) {
      // date + integer is a date: the last day is start + duration - 1.
      return db.select().from(experiments).where(and(
        eq(experiments.status, 'running'),
        sql`${experiments.startDate} + (${experiments.durationDays} - 1) < ${today}::date`
      )).orderBy(...ordered);
    },
    async insert(values) { return (await db.insert(experiments).values(values).returning())[0]; },
    async update(id, patch) { return (await db.update(experiments).set(patch).where(eq(experiments.id, id)).returning())[0]; },
    async deleteOfPlan(planId) { await db.delete(experiments).where(eq(experiments.planId, planId)); },

    async variants(experimentId) {
      return db.select().from(variants).where(eq(variants.experimentId, experimentId)).orderBy(asc(variants.position), asc(variants.id));
    },
    async upsertVariant(experimentId, values) {
      const { key, ...rest } = values;
      await db.insert(variants).values({ experimentId, key, ...rest })
        .onConflictDoUpdate({ target: [variants.experimentId, variants.key], set: rest });
    },
    async deleteVariants(experimentId, keys) {
      if (keys.length) await db.delete(variants).where(and(eq(variants.experimentId, experimentId), inArray(variants.key, keys)));
    },
    async exposedUsers(experimentId, variantKeys) {
      if (variantKeys.length === 0) return 0;
      const [row] = await db.select({ n: sql<string>`count(*)` }).from(exposures)
        .where(and(eq(exposures.experimentId, experimentId), inArray(exposures.variantKey, variantKeys)));
      return Number(row.n); // count(*) is a bigint, which node-postgres reads as a string
    },

    async metricLinks(experimentId) {
      const roleOrder = sql`case ${experimentMetrics.role} when 'primary' then 0 when 'secondary' then 1 else 2 end`;
      return db.select({ metric: metrics, role: experimentMetrics.role }).from(experimentMetrics)
        .innerJoin(metrics, eq(metrics.id, experimentMetrics.metricId))
        .where(eq(experimentMetrics.experimentId, experimentId))
        .orderBy(roleOrder, byCodePoint(metrics.key));
    },
    async replaceMetricLinks(experimentId, links) {
      await db.delete(experimentMetrics).where(eq(experimentMetrics.experimentId, experimentId));
      if (links.length) {
        await db.insert(experimentMetrics).values(links.map((l) => ({ experimentId, metricId: l.metricId, role: l.role })));
      }
    },
    async metricUsage(metricId) {
      return db.select({ metricId: experimentMetrics.metricId, experimentKey: experiments.key, experimentName: experiments.name, status: experiments.status, role: experimentMetrics.role })
        .from(experimentMetrics).innerJoin(experiments, eq(experiments.id, experimentMetrics.experimentId))
        .where(metricId === undefined ? undefined : eq(experimentMetrics.metricId, metricId))
        .orderBy(asc(experimentMetrics.metricId), byCodePoint(experiments.key));
    },

    async criteria(experimentId) {
      return db.select().from(successCriteria).where(eq(successCriteria.experimentId, experimentId)).orderBy(asc(successCriteria.id));
    },
    async replaceCriteria(experimentId, criteria) {
      await db.delete(successCriteria).where(eq(successCriteria.experimentId, experimentId));
      // One multi-row insert: identities are assigned in the order of the VALUES list.
      if (criteria.length) await db.insert(successCriteria).values(criteria.map((c) => ({ experimentId, ...c })));
    },
    async amendments(experimentId) {
      return await db.select().from(amendments).where(eq(amendments.experimentId, experimentId)).orderBy(asc(amendments.id));
    },
    async insertAmendment(values) {
      return (await db.insert(amendments).values(values).returning())[0]!;
    },
    async countReportView(experimentId) {
      const row = (await db.update(experiments).set({ reportViews: sql`${experiments.reportViews} + 1` }).where(eq(experiments.id, experimentId)).returning({ n: experiments.reportViews }))[0];
      return row?.n ?? 0;
    }
  };
}

export function postgresLayerStore(db: PgExecutor): LayerStore {
  const first = async <T>(rows: Promise<T[]>): Promise<T | null> => (await rows)[0] ?? null;
  return {
    async byKey(key) { return first(db.select().from(layers).where(eq(layers.key, key)).limit(1)); },
    async byId(id) { return first(db.select().from(layers).where(eq(layers.id, id)).limit(1)); },
    async list() { return db.select().from(layers).orderBy(byCodePoint(layers.key)); },
    async insert(values) { return (await db.insert(layers).values(values).returning())[0]; },
    async delete(id) { await db.delete(layers).where(eq(layers.id, id)); }
  };
}
