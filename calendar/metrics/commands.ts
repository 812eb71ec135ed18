import { z } from 'zod';
import type { Data } from '../../db/store/index.ts';
import { metricKinds, type Metric } from '../model.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError } from '../errors.ts';
import { defaultDirection, definitionIssues, kindFields } from './definition.ts';

export const createMetricInput = z.object({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'metric keys are letters, digits, "-", "_" or "."').max(100),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  kind: z.enum(metricKinds).describe('binomial: converted or not; count: events per user; sum: summed value; ratio: event / denominator event; ' +
    'retention: any of eventName and extraEventNames between day windowStartDays and windowDays (churn: direction decrease); ' +
    'threshold: eventName at least minCount times; time_to_event: restricted mean hours to the first eventName within windowDays'),
  eventName: z.string().min(1).max(100),
  denominatorEventName: z.string().min(1).max(100).nullable().optional(),
  denominatorAggregate: kindFields.denominatorAggregate.optional(),
  extraEventNames: kindFields.extraEventNames.optional(),
  windowStartDays: kindFields.windowStartDays.nullable().optional(),
  minCount: kindFields.minCount.nullable().optional(),
  direction: z.enum(['increase', 'decrease']).optional().describe('default: decrease for time_to_event, else increase'),
  windowDays: z.number().int().min(1).max(365).nullable().optional(),
  winsorizePercentile: z.number().gt(0.5).max(1).nullable().optional(),
  baseline: z.number().finite().nullable().optional(),
  baselineSd: z.number().positive().nullable().optional()
}).strict().superRefine((m, ctx) => {
  const whole = {
    kind: m.kind, denominatorEventName: m.denominatorEventName ?? null, denominatorAggregate: m.denominatorAggregate ?? 'sum',
    extraEventNames: m.extraEventNames ?? [], windowStartDays: m.windowStartDays ?? null, minCount: m.minCount ?? null, windowDays: m.windowDays ?? null
  };
  for (const issue of definitionIssues(whole, new Set(Object.keys(m)))) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
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
    const row = await tx.metrics.insert({ ...input, direction: input.direction ?? defaultDirection(input.kind), createdAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs });
    await recordAudit(tx, { actor: ctx.actor, action: 'metric.create', entityType: 'metric', entityId: input.key, atMs: ctx.nowMs });
    return row;
  });
}

/** All metrics by key. */
export async function listMetrics(data: Data): Promise<MetricRow[]> {
  return data.metrics.list();
}
