/**
 * Editing a stored metric definition (what the report computes): name, event, window,
 * direction, winsorization, baseline. Creation lives in `calendar/metrics`.
 */
import { z } from 'zod';
import type { Data } from '../../db/store/index.ts';
import { metricKinds, type Metric } from '../model.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { definitionIssues, kindFields, withUnusedFieldsCleared } from '../metrics/definition.ts';

export const updateMetricInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable(),
  kind: z.enum(metricKinds),
  eventName: z.string().min(1).max(100),
  denominatorEventName: z.string().min(1).max(100).nullable(),
  denominatorAggregate: kindFields.denominatorAggregate,
  extraEventNames: kindFields.extraEventNames,
  windowStartDays: kindFields.windowStartDays.nullable(),
  minCount: kindFields.minCount.nullable(),
  direction: z.enum(['increase', 'decrease']),
  windowDays: z.number().int().min(1).max(365).nullable(),
  winsorizePercentile: z.number().gt(0.5).max(1).nullable(),
  baseline: z.number().finite().nullable(),
  baselineSd: z.number().positive().nullable()
}).partial().strict().refine((v) => Object.keys(v).length > 0, { message: 'send at least one field to change' });
export type UpdateMetricInput = z.infer<typeof updateMetricInput>;

/**
 * Updates a metric by key (audit-logged with the before and after values); the next report
 * uses the new definition. The result must be a whole definition of its kind (see
 * calendar/metrics/definition.ts); a change of kind drops the old kind's settings.
 * @example await updateMetric(data, 'revenue', { winsorizePercentile: 0.995 }, { actor: 'ana', nowMs: Date.now() })
 */
export async function updateMetric(data: Data, key: string, input: UpdateMetricInput, ctx: CommandContext): Promise<Metric> {
  return data.transaction(async (tx) => {
    const before = await tx.metrics.byKey(key);
    if (!before) throw new NotFoundError('metric', key);
    const [issue] = definitionIssues({ ...before, ...input }, new Set(Object.keys(input)));
    if (issue) throw new InvalidInputError(issue.message);
    // A change of kind drops the old kind's settings.
    const after = withUnusedFieldsCleared({ ...before, ...input });
    const cleared = Object.fromEntries((['denominatorEventName', 'denominatorAggregate', 'extraEventNames', 'windowStartDays', 'minCount'] as const)
      .filter((f) => JSON.stringify(after[f]) !== JSON.stringify(before[f])).map((f) => [f, after[f]]));
    const row = await tx.metrics.update(before.id, { ...input, ...cleared, updatedAtMs: ctx.nowMs });
    const changed = Object.fromEntries(Object.keys(input).map((k) => [k, { from: before[k as keyof typeof before], to: row[k as keyof typeof row] }]));
    await recordAudit(tx, { actor: ctx.actor, action: 'metric.update', entityType: 'metric', entityId: key, atMs: ctx.nowMs, details: { changed } });
    return row;
  });
}
