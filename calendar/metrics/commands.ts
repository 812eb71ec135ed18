import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { metricKinds, metrics } from '../../db/schema.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError } from '../errors.ts';

export const createMetricInput = z.object({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'metric keys are letters, digits, "-", "_" or "."').max(100),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  kind: z.enum(metricKinds).describe('binomial: converted or not; count: events per user; sum: summed value; ratio: event / denominator event'),
  eventName: z.string().min(1).max(100),
  denominatorEventName: z.string().min(1).max(100).nullable().optional(),
  direction: z.enum(['increase', 'decrease']).default('increase'),
  windowDays: z.number().int().min(1).max(365).nullable().optional(),
  winsorizePercentile: z.number().gt(0.5).max(1).nullable().optional(),
  baseline: z.number().finite().nullable().optional(),
  baselineSd: z.number().positive().nullable().optional()
}).strict().superRefine((m, ctx) => {
  if (m.kind === 'ratio' && !m.denominatorEventName) ctx.addIssue({ code: 'custom', path: ['denominatorEventName'], message: 'a ratio metric needs a denominator event' });
});
export type CreateMetricInput = z.input<typeof createMetricInput>;
export type MetricRow = typeof metrics.$inferSelect;

/**
 * Creates a metric (audit-logged); ConflictError when the key is taken.
 * @example createMetric(db, { key: 'activation', name: 'Activation', kind: 'binomial', eventName: 'activation' }, ctx)
 */
export function createMetric(db: Db, raw: CreateMetricInput, ctx: CommandContext): MetricRow {
  const input = createMetricInput.parse(raw);
  return db.transaction((tx) => {
    if (tx.select({ id: metrics.id }).from(metrics).where(eq(metrics.key, input.key)).get()) {
      throw new ConflictError(`a metric with key '${input.key}' already exists`);
    }
    const row = tx.insert(metrics).values({ ...input, createdAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs }).returning().get();
    recordAudit(tx, { actor: ctx.actor, action: 'metric.create', entityType: 'metric', entityId: input.key, atMs: ctx.nowMs });
    return row;
  }, { behavior: 'immediate' });
}

/** All metrics by key. */
export function listMetrics(db: Db): MetricRow[] {
  return db.select().from(metrics).orderBy(asc(metrics.key)).all();
}
