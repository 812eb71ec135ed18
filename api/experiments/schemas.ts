import { z } from '@hono/zod-openapi';
import { channels, experimentStatuses } from '../../calendar/model.ts';

/** Experiment keys: what URLs, SDKs and hash seeds can carry safely. */
export const experimentKeyPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const experimentKeySchema = z.string().regex(experimentKeyPattern, {
  message: 'must be 1-100 characters: letters, digits, "-", "_" or ".", starting with a letter or digit'
});

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
}).openapi('Error');

export const experimentSummarySchema = z.object({
  id: z.number().int(),
  key: z.string(),
  name: z.string(),
  planId: z.number().int().nullable(),
  week: z.number().int().nullable(),
  status: z.enum(experimentStatuses),
  channels: z.array(z.string()).openapi({ example: [...channels.slice(0, 2)] }),
  startDate: z.string().nullable(),
  durationDays: z.number().int(),
  endDate: z.string().nullable()
}).openapi('ExperimentSummary');

export const variantSchema = z.object({
  key: z.string(), name: z.string(), description: z.string().nullable(),
  weight: z.number(), isControl: z.boolean(), position: z.number().int()
}).openapi('Variant');

export const successCriterionSchema = z.object({
  kind: z.enum(['lift', 'guardrail', 'qualitative']),
  metricKey: z.string().nullable(),
  minRelativeLift: z.number().nullable(),
  maxPValue: z.number().nullable(),
  maxRelativeDegradation: z.number().nullable(),
  description: z.string()
}).openapi('SuccessCriterion');

const registeredPlanSchema = z.object({
  metrics: z.array(z.object({ key: z.string(), role: z.enum(['primary', 'secondary', 'guardrail']) })),
  criteria: z.array(successCriterionSchema),
  plannedMde: z.number().nullable(),
  analysis: z.object({ mode: z.enum(['sequential', 'fixed']), correction: z.enum(['holm', 'benjamini-hochberg', 'bonferroni', 'none']), alpha: z.number() }),
  exploratory: z.boolean()
});

export const amendmentSchema = z.object({
  id: z.number().int(), experimentId: z.number().int(), atMs: z.number().int(), actor: z.string(), reason: z.string(),
  fields: z.array(z.string()).openapi({ example: ['criteria'] }),
  before: registeredPlanSchema.partial(), after: registeredPlanSchema.partial(),
  reportViews: z.number().int().openapi({ description: 'how many times the report had been viewed before the amendment' })
}).openapi('Amendment');

/** Frozen at the first start; later changes are amendments listed beside it. */
export const registrationSchema = registeredPlanSchema.extend({
  registeredAtMs: z.number().int(),
  amendments: z.array(amendmentSchema)
}).openapi('Registration');

export const experimentDetailSchema = experimentSummarySchema.extend({
  objective: z.string().nullable(),
  hypothesis: z.string().nullable(),
  description: z.string().nullable(),
  assets: z.array(z.string()),
  metricsPlanned: z.array(z.string()),
  audience: z.string().nullable(),
  owner: z.string().nullable(),
  notes: z.string().nullable(),
  lifecycleStage: z.string().nullable(),
  coverage: z.number(),
  seed: z.string().nullable(),
  plan: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  layer: z.object({ id: z.number().int(), key: z.string(), name: z.string() }).nullable(),
  variants: z.array(variantSchema),
  metrics: z.array(z.object({
    key: z.string(), name: z.string(), kind: z.string(), direction: z.string(), role: z.string()
  })),
  successCriteria: z.array(successCriterionSchema),
  exploratory: z.boolean(),
  reportViews: z.number().int(),
  registration: registrationSchema.nullable()
}).passthrough().openapi('ExperimentDetail');
