import { z } from 'zod';
import { channels } from '../model.ts';

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullish().transform((s) => (s ? s : null));

export const criterionInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('lift'), metricKey: z.string().min(1),
    minRelativeLift: z.number().min(0).max(10), maxPValue: z.number().gt(0).lt(1).default(0.05),
    description: text(500).optional()
  }),
  z.object({
    kind: z.literal('guardrail'), metricKey: z.string().min(1),
    maxRelativeDegradation: z.number().min(0).max(1), description: text(500).optional()
  }),
  z.object({ kind: z.literal('qualitative'), description: text(500).min(1) })
]);

/**
 * An experiment as the planner writes it in a week slot: every field of the seed's format.
 * Variant weights are relative and normalised to sum to 1; the first variant is the control.
 */
export const plannedExperimentInput = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'lowercase letters, digits and "-", at most 80').optional(),
  name: text(200).min(1),
  week: z.number().int().min(1).max(13),
  objective: optionalText(1000),
  hypothesis: optionalText(2000),
  description: optionalText(2000),
  channels: z.array(z.enum(channels)).min(1, 'choose at least one channel'),
  assets: z.array(text(300)).max(30).default([]),
  /** Optional while drafting (an idea moved into a week has none yet); the power check asks for it. */
  primaryMetric: z.string().min(1).nullable().optional(),
  secondaryMetrics: z.array(z.string()).max(20).default([]),
  guardrailMetrics: z.array(z.string()).max(20).default([]),
  durationDays: z.number().int().min(1).max(90),
  successCriteria: z.array(criterionInput).max(20).default([]),
  variants: z.array(z.object({
    key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/, 'variant keys: letters, digits, "-" or "_"'),
    name: text(100).min(1), weight: z.number().positive().max(1000)
  })).min(2, 'an experiment needs at least two variants').max(10),
  audience: optionalText(200),
  owner: optionalText(200),
  notes: optionalText(4000),
  lifecycleStage: optionalText(100),
  baselineRate: z.number().gt(0).lt(1).nullable().optional(),
  plannedMde: z.number().gt(0).max(10).nullable().optional(),
  /** Started without success criteria on purpose (the report and the playbook say so). */
  exploratory: z.boolean().optional(),
  /** Why a started experiment's metrics, criteria or MDE change (needed once it has started). */
  amendmentReason: optionalText(1000)
}).superRefine((v, ctx) => {
  const keys = v.variants.map((x) => x.key);
  if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'variant keys must be different' });
});

export type PlannedExperimentInput = z.input<typeof plannedExperimentInput>;
export type PlannedExperiment = z.output<typeof plannedExperimentInput>;
