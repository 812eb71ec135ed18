import { z } from 'zod';
import type { Data } from '../../db/store/index.ts';
import { metricKinds, type Metric } from '../model.ts';
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
export type MetricRow = Metric;

/**
 * Creates a metric (audit-logged); ConflictError when the key is taken.
 * @example await createMetric(data, { key: 'activation', name: 'Activation', kind: 'binomial', eventName: 'activation' }, ctx)
 */
export async function createMetric(data: Data, raw: CreateMetricInput, ctx: CommandContext): Promise<MetricRow> {
  const input = createMetricInput.parse(raw);
  return data.transaction(async (tx) => {
    if (await tx.metrics.byKey(input.key)) {
      throw new ConflictError(`a metric with key '${input.key}' already exists`);
    }
    const row = await tx.metrics.insert({ ...input, createdAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs });
    await recordAudit(tx, { actor: ctx.actor, action: 'metric.create', entityType: 'metric', entityId: input.key, atMs: ctx.nowMs });
    return row;
  });
}

/** All metrics by key. */
export async function listMetrics(data: Data): Promise<MetricRow[]> {
  return data.metrics.list();
}
