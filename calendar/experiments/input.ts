import { isoDateInput } from '../dates.ts';
import { z } from 'zod';
import { analysisModes, channels, corrections } from '../model.ts';

const text = (max: number) => z.string().trim().max(max, `is longer than the limit of ${max} characters`);
const key = (what: string, max = 100) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  `${what} keys are letters, digits, "-", "_" or ".", starting with a letter or digit`).max(max);
const scalar = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);

export const targetingConditionInput = z.object({
  attribute: z.string().min(1).max(100),
  operator: z.enum(['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte']),
  value: z.union([scalar, z.array(scalar).min(1).max(100)])
}).superRefine((c, ctx) => {
  if (['gt', 'gte', 'lt', 'lte'].includes(c.operator) && typeof c.value !== 'number') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `operator '${c.operator}' needs a number` });
  }
  if ((c.operator === 'in' || c.operator === 'nin') && !Array.isArray(c.value)) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `operator '${c.operator}' needs a list` });
  }
});

export const variantInput = z.object({
  key: key('variant', 50),
  name: text(100).min(1).optional(),
  description: text(1000).optional(),
  weight: z.number().finite().nonnegative().max(1000).default(1).describe('relative; normalised so all weights sum to 1'),
  control: z.boolean().optional().describe('marks the control; the first variant when none is marked')
});

export const successCriterionInput = z.object({
  kind: z.enum(['lift', 'guardrail', 'qualitative']),
  metricKey: z.string().max(100).optional(),
  /** Improvement in the metric's own direction (0.1 = 10% better, whether up or down is better). */
  minRelativeLift: z.number().min(0, 'is an improvement in the metric\'s direction, so 0 or more (0.1 = 10% better)').max(10).optional(),
  maxPValue: z.number().gt(0).lt(1).optional(),
  maxRelativeDegradation: z.number().min(0).max(1).optional(),
  description: text(500).min(1)
}).superRefine((c, ctx) => {
  if (c.kind !== 'qualitative' && !c.metricKey) ctx.addIssue({ code: 'custom', path: ['metricKey'], message: `a ${c.kind} criterion needs a metric` });
});

const variantsInput = z.array(variantInput).min(2, 'an experiment needs at least two variants').max(10, 'at most 10 variants')
  .superRefine((vs, ctx) => {
    const keys = vs.map((v) => v.key);
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup) ctx.addIssue({ code: 'custom', message: `variant key '${dup}' appears twice` });
    if (vs.filter((v) => v.control).length > 1) ctx.addIssue({ code: 'custom', message: 'only one variant can be the control' });
    if (vs.reduce((s, v) => s + v.weight, 0) <= 0) ctx.addIssue({ code: 'custom', message: 'weights must not all be zero' });
  });

const assignmentFields = {
  variants: variantsInput,
  coverage: z.number().min(0).max(1).describe('share of eligible users included, 0..1'),
  seed: text(100).min(1).nullable().describe('hash seed; the experiment key when absent'),
  layer: key('layer').nullable().describe('mutually exclusive layer; experiments in one layer never share a user'),
  layerRange: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
    .refine(([a, b]) => a < b, 'layerRange must be [start, end) with start < end').describe('slice of the layer, default [0, 1]'),
  targeting: z.array(targetingConditionInput).max(20, 'at most 20 targeting conditions'),
  forcedVariants: z.record(z.string().min(1).max(256), z.string().max(50))
    .refine((m) => Object.keys(m).length <= 200, 'at most 200 forced users').describe('QA allow-list: user id -> variant key')
};

const describingFields = {
  name: text(200).min(1),
  planId: z.number().int().positive().nullable(),
  week: z.number().int().min(1).max(53).nullable(),
  objective: text(2000).nullable(), hypothesis: text(4000).nullable(), description: text(4000).nullable(),
  channels: z.array(z.enum(channels)).max(10),
  assets: z.array(text(300)).max(50),
  metricsPlanned: z.array(text(200)).max(30),
  audience: text(500).nullable(), owner: text(200).nullable(), notes: text(8000).nullable(),
  lifecycleStage: text(100).nullable(),
  startDate: isoDateInput.nullable(),
  durationDays: z.number().int().min(1).max(365),
  plannedMde: z.number().gt(0).max(10).nullable(),
  baselineRate: z.number().gt(0).lt(1).nullable(),
  metrics: z.object({
    primary: z.array(z.string().max(100)).max(5).default([]),
    secondary: z.array(z.string().max(100)).max(20).default([]),
    guardrail: z.array(z.string().max(100)).max(20).default([])
  }).describe('metric keys by role'),
  successCriteria: z.array(successCriterionInput).max(20),
  exploratory: z.boolean().describe('started without success criteria on purpose; the report and playbook say so')
};

const analysisPlanInput = z.object({
  mode: z.enum(analysisModes), correction: z.enum(corrections), alpha: z.number().gt(0).max(0.2)
}).describe('the analysis plan frozen at start (default sequential, holm, 0.05); changing it afterwards is an amendment');

/** `POST /api/v1/experiments` and the UI's "new experiment": created as a draft. */
export const createExperimentInput = z.object({
  key: key('experiment'),
  ...describingFields,
  ...assignmentFields
}).partial().required({ key: true, name: true, variants: true }).strict();

/**
 * `PATCH /api/v1/experiments/{key}`: any subset. Changing variants, weights, seed or layer
 * of a running experiment needs `confirm: true` (users not yet exposed may move); changing what
 * was registered at the first start needs `amendmentReason`.
 */
export const updateExperimentInput = z.object({
  ...describingFields, ...assignmentFields, confirm: z.boolean(),
  analysis: analysisPlanInput,
  amendmentReason: text(1000).min(1, 'must say why').describe('required to change metrics, criteria, plannedMde, analysis or exploratory after the first start')
}).partial().strict();

export type CreateExperimentInput = z.input<typeof createExperimentInput>;
export type UpdateExperimentInput = z.input<typeof updateExperimentInput>;
