import { z } from '@hono/zod-openapi';
import { decisionOutcomes } from '../../calendar/reports/index.ts';
import { metricKinds } from '../../calendar/model.ts';
import { errorSchema, experimentKeySchema } from '../experiments/schemas.ts';

export { errorSchema };

export const keyParams = z.object({ key: experimentKeySchema.openapi({ param: { name: 'key', in: 'path' }, example: 'w01-onboarding-ebook-reminder' }) });

/** Exposure attribute names: what a JSON path segment can carry safely. */
const attributeName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 letters, digits, "_", "-" or "."' });

export const reportQuery = z.object({
  analysis: z.enum(['sequential', 'fixed']).optional().openapi({ description: 'Default: sequential while running, fixed once ended' }),
  correction: z.enum(['holm', 'benjamini-hochberg', 'bonferroni', 'none']).optional().openapi({ description: 'Across goal metrics × variants; default holm' }),
  segment: attributeName.optional().openapi({ description: 'Split by this exposure attribute (exploratory)', example: 'segment' }),
  format: z.enum(['json', 'md', 'csv']).optional()
});

const interval = z.object({ estimate: z.number(), ciLow: z.number(), ciHigh: z.number() });

const metricResult = z.object({
  key: z.string(), name: z.string(), kind: z.enum(metricKinds),
  role: z.enum(['primary', 'secondary', 'guardrail']), direction: z.enum(['increase', 'decrease']),
  windowDays: z.number(), cap: z.number().nullable(),
  arms: z.array(z.object({ variant: z.string(), users: z.number().int(), mean: z.number().nullable() })),
  comparisons: z.array(z.object({
    variant: z.string(), control: z.number(), treatment: z.number(), absolute: interval, relative: interval.nullable(),
    pValue: z.number(), adjustedPValue: z.number(), chanceToBeatControl: z.number(), significant: z.boolean(),
    verdict: z.enum(['better', 'worse', 'flat'])
  })),
  guardrails: z.array(z.object({
    variant: z.string(), maxRelativeDegradation: z.number(), worstRelativeChange: z.number().nullable(),
    sampleScaleNeeded: z.number().nullable().openapi({ description: 'The sample at which this guardrail\'s final fixed-horizon test reaches 80% power if the variant truly changes nothing here, as a multiple of the current sample' }),
    nonInferior: z.boolean(), pValue: z.number().nullable()
  })),
  notes: z.array(z.string()),
  usersWaiting: z.number().int().optional().openapi({ description: 'Retention and time to event: exposed users left out because their window has not closed yet' }),
  windowStartDays: z.number().optional().openapi({ description: 'Retention: the window is [windowStartDays, windowDays) days after first exposure' }),
  restrictionHours: z.number().optional().openapi({ description: 'Time to event: the restriction of the restricted mean (users without the event count this many hours)' })
}).openapi('MetricResult');

export const recordedDecisionSchema = z.object({
  id: z.number().int(), computedDecision: z.string(), finalDecision: z.string(), winningVariantKey: z.string().nullable(),
  rationale: z.string().nullable(), decidedBy: z.string(), decidedAtMs: z.number().int()
}).openapi('RecordedDecision');

export const computedDecisionSchema = z.object({
  outcome: z.enum(decisionOutcomes), winningVariant: z.string().nullable(), reasons: z.array(z.string()), blockedBySrm: z.boolean(),
  needed: z.object({ users: z.number(), days: z.number().nullable() }).nullable(),
  primary: z.object({
    metric: z.string(), variant: z.string(), relativeLift: z.number().nullable(), ciLow: z.number().nullable(),
    ciHigh: z.number().nullable(), pValue: z.number()
  }).nullable()
}).openapi('ComputedDecision');

const criterionResult = z.object({
  kind: z.string(), metricKey: z.string().nullable(), description: z.string(),
  minRelativeLift: z.number().nullable(), maxPValue: z.number().nullable(), maxRelativeDegradation: z.number().nullable()
});

export const reportSchema = z.object({
  experiment: z.object({
    key: z.string(), name: z.string(), status: z.string(), startDate: z.string().nullable(), endDate: z.string().nullable(),
    durationDays: z.number(), plannedMde: z.number().nullable(), hypothesis: z.string().nullable()
  }),
  generatedAtMs: z.number(), analysis: z.enum(['sequential', 'fixed']),
  correction: z.enum(['holm', 'benjamini-hochberg', 'bonferroni', 'none']), alpha: z.number(),
  variants: z.array(z.object({ key: z.string(), name: z.string(), weight: z.number(), isControl: z.boolean() })),
  criteria: z.array(criterionResult),
  exploratory: z.boolean(),
  registration: z.object({
    registeredAtMs: z.number().int(),
    amendments: z.array(z.object({
      atMs: z.number().int(), actor: z.string(), reason: z.string(), fields: z.array(z.string()), reportViews: z.number().int(),
      before: z.record(z.string(), z.unknown()), after: z.record(z.string(), z.unknown())
    })),
    amendedCriteria: z.array(criterionResult).nullable()
  }).nullable().openapi({ description: 'Null before the first start; the decision uses the registered criteria, amendedDecision the amended ones' }),
  health: z.object({
    srm: z.object({
      pValue: z.number(), chiSquare: z.number(), mismatch: z.boolean(),
      observed: z.record(z.string(), z.number()), expectedShare: z.record(z.string(), z.number())
    }).nullable(),
    exposuresByDay: z.array(z.object({ date: z.string(), users: z.record(z.string(), z.number()) })),
    multipleVariantUsers: z.number(), daysRun: z.number(), daysPlanned: z.number(), usersExposed: z.number(),
    usersNeeded: z.number().nullable(), usersNeededBasis: z.string(), warnings: z.array(z.string())
  }),
  metrics: z.array(metricResult),
  segments: z.object({
    attribute: z.string(), caveat: z.string(),
    values: z.array(z.object({ value: z.string(), users: z.number(), metrics: z.array(metricResult) }))
  }).nullable(),
  cumulative: z.array(z.object({
    metric: z.string(), variant: z.string(),
    points: z.array(z.object({ date: z.string(), users: z.number(), relative: z.number().nullable(), ciLow: z.number().nullable(), ciHigh: z.number().nullable() }))
  })),
  decision: computedDecisionSchema,
  amendedDecision: computedDecisionSchema.nullable(),
  recorded: recordedDecisionSchema.nullable(),
  restarts: z.array(z.object({ atMs: z.number().int(), actor: z.string(), reason: z.string().nullable() }))
    .openapi({ description: 'Each start after a stop, oldest first (reason null when none was given): the data spans every run' })
}).openapi('Report');

export const decisionBody = z.object({
  finalDecision: z.enum(decisionOutcomes),
  winningVariantKey: z.string().min(1).max(100).nullable().optional(),
  rationale: z.string().trim().min(1, { message: 'a rationale is required' }).max(5000),
  decidedBy: z.string().trim().min(1).max(200).optional().openapi({ description: 'Reviewer name; defaults to the API key\'s name' }),
  acknowledgeSrm: z.boolean().optional().openapi({ description: 'Record "ship" despite a flagged sample ratio mismatch' })
}).strict().openapi('DecisionInput');
