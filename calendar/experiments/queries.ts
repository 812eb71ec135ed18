import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import {
  experiments, variants, metrics, experimentMetrics, successCriteria, plans, layers,
  type ExperimentStatus
} from '../../db/schema.ts';
import { addDaysIso } from '../dates.ts';
import { NotFoundError } from '../errors.ts';

export type ExperimentRow = typeof experiments.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;
export type SuccessCriterionRow = typeof successCriteria.$inferSelect;

/** An experiment as lists show it: the row plus its computed end date. */
export type ExperimentSummary = Pick<ExperimentRow,
  'id' | 'key' | 'name' | 'planId' | 'week' | 'status' | 'channels' | 'startDate' | 'durationDays'
> & { endDate: string | null };

/** Everything about one experiment, as the experiment page and `GET /experiments/{key}` show it. */
export type ExperimentDetail = ExperimentRow & {
  endDate: string | null;
  plan: { id: number; name: string } | null;
  layer: { id: number; key: string; name: string } | null;
  variants: VariantRow[];
  metrics: Array<{ key: string; name: string; kind: string; direction: string; role: string }>;
  successCriteria: SuccessCriterionRow[];
};

/** Last day the experiment runs (inclusive), or null without a start date. */
export function endDateOf(e: { startDate: string | null; durationDays: number }): string | null {
  return e.startDate ? addDaysIso(e.startDate, e.durationDays - 1) : null;
}

/**
 * Experiments ordered by plan and week, optionally filtered.
 * @example listExperiments(db, { planId: 1 }).map((e) => e.week) // [1, 2, ..., 12]
 */
export function listExperiments(
  db: Db, filter: { planId?: number; status?: ExperimentStatus } = {}
): ExperimentSummary[] {
  const conditions: SQL[] = [];
  if (filter.planId !== undefined) conditions.push(eq(experiments.planId, filter.planId));
  if (filter.status !== undefined) conditions.push(eq(experiments.status, filter.status));
  const rows = db.select({
    id: experiments.id, key: experiments.key, name: experiments.name, planId: experiments.planId,
    week: experiments.week, status: experiments.status, channels: experiments.channels,
    startDate: experiments.startDate, durationDays: experiments.durationDays
  }).from(experiments).where(and(...conditions))
    .orderBy(asc(experiments.planId), asc(experiments.week), asc(experiments.id)).all();
  return rows.map((r) => ({ ...r, endDate: endDateOf(r) }));
}

/** One experiment with variants, metrics and success criteria; throws NotFoundError. */
export function getExperimentDetail(db: Db, key: string): ExperimentDetail {
  const row = db.select().from(experiments).where(eq(experiments.key, key)).get();
  if (!row) throw new NotFoundError('experiment', key);
  const plan = row.planId === null ? null
    : db.select({ id: plans.id, name: plans.name }).from(plans).where(eq(plans.id, row.planId)).get() ?? null;
  const layer = row.layerId === null ? null
    : db.select({ id: layers.id, key: layers.key, name: layers.name }).from(layers)
      .where(eq(layers.id, row.layerId)).get() ?? null;
  return {
    ...row,
    endDate: endDateOf(row),
    plan,
    layer,
    variants: db.select().from(variants).where(eq(variants.experimentId, row.id))
      .orderBy(asc(variants.position)).all(),
    metrics: db.select({
      key: metrics.key, name: metrics.name, kind: metrics.kind, direction: metrics.direction,
      role: experimentMetrics.role
    }).from(experimentMetrics).innerJoin(metrics, eq(metrics.id, experimentMetrics.metricId))
      .where(eq(experimentMetrics.experimentId, row.id)).orderBy(asc(experimentMetrics.role), asc(metrics.key)).all(),
    successCriteria: db.select().from(successCriteria).where(eq(successCriteria.experimentId, row.id))
      .orderBy(asc(successCriteria.id)).all()
  };
}
