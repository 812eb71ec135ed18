import { z } from '@hono/zod-openapi';
import { promotionInput } from '../../calendar/playbook/index.ts';
import { anyObject } from '../plans/http.ts';

const nullableNumber = z.number().nullable();

/** `POST /experiments/{key}/promote`: unknown fields are refused. */
export const promotionBody = promotionInput.strict().openapi('PromotionInput', {
  example: { learning: 'A guided reminder to open the e-book lifts 7-day activation', rollout: true }
});

export const playbookEntrySchema = z.object({
  id: z.number().int(), experimentId: z.number().int().nullable(), title: z.string(), whatWasTested: z.string().nullable(),
  winningVariantKey: z.string().nullable(), metricKey: z.string().nullable(),
  relativeLift: nullableNumber.openapi({ description: 'relative lift of the winner on the primary metric, 0.12 = +12%' }),
  ciLow: nullableNumber, ciHigh: nullableNumber, pValue: nullableNumber,
  channel: z.string().nullable(), lifecycleStage: z.string().nullable(), audience: z.string().nullable(),
  evidenceUrl: z.string().nullable().openapi({ description: 'path of the report in the UI' }),
  learning: z.string(), createdBy: z.string().nullable(), createdAtMs: z.number().int()
}).openapi('PlaybookEntry');

const playbookItemSchema = playbookEntrySchema.extend({ experimentKey: z.string().nullable(), channels: z.array(z.string()) });

export const playbookSchema = z.object({
  q: z.string(),
  total: z.number().int(),
  groups: z.array(z.object({
    channel: z.string(),
    stages: z.array(z.object({ stage: z.string(), entries: z.array(playbookItemSchema) })),
    summary: z.object({ wins: z.number().int(), medianLift: nullableNumber })
  })),
  /** GET /api/v1/plans/{id}/impact of each plan with a holdout (not archived), newest start first. */
  programImpact: z.array(z.record(z.string(), z.unknown()))
}).openapi('Playbook');

export const rolloutSchema = z.object({
  key: z.string(), status: z.string(),
  rolloutVariantKey: z.string().nullable().openapi({ description: 'the variant served to everyone; null when not rolled out' })
}).openapi('Rollout');

export const draftedPlanSchema = z.object({
  items: z.array(z.object({
    key: z.string(), kind: z.enum(['follow-up', 're-run', 'idea']), week: z.number().int(),
    source: z.string().openapi({ description: 'the experiment or idea it comes from' }), power: z.string()
  })),
  plan: anyObject, today: z.string(), weeks: z.array(anyObject),
  experiments: z.array(anyObject).openapi({ description: 'each with its dates, power check and conflicts' }),
  conflicts: z.array(anyObject)
}).openapi('DraftedPlan');
