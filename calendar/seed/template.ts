import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { channels, metricKinds } from '../model.ts';
import { definitionIssues, kindFields } from '../metrics/definition.ts';
import starterTemplate from '../templates/starter-90-day.json' with { type: 'json' };

const metricTemplate = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string(),
  kind: z.enum(metricKinds),
  eventName: z.string(),
  denominatorEventName: z.string().optional(),
  denominatorAggregate: kindFields.denominatorAggregate.optional(),
  extraEventNames: kindFields.extraEventNames.optional(),
  windowStartDays: kindFields.windowStartDays.optional(),
  minCount: kindFields.minCount.optional(),
  direction: z.enum(['increase', 'decrease']),
  windowDays: z.number().int().positive().optional(),
  winsorizePercentile: z.number().gt(0).lt(1).optional(),
  baseline: z.number().optional()
}).superRefine((m, ctx) => {
  const whole = {
    kind: m.kind, denominatorEventName: m.denominatorEventName ?? null, denominatorAggregate: m.denominatorAggregate ?? 'sum',
    extraEventNames: m.extraEventNames ?? [], windowStartDays: m.windowStartDays ?? null, minCount: m.minCount ?? null, windowDays: m.windowDays ?? null
  };
  for (const issue of definitionIssues(whole, new Set(Object.keys(m)))) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
});

const criterionTemplate = z.object({
  kind: z.enum(['lift', 'guardrail', 'qualitative']),
  metricKey: z.string().optional(),
  minRelativeLift: z.number().optional(),
  maxPValue: z.number().gt(0).lt(1).optional(),
  maxRelativeDegradation: z.number().min(0).optional(),
  description: z.string()
});

const weekTemplate = z.object({
  week: z.number().int().min(1).max(13),
  key: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string(),
  objective: z.string(),
  hypothesis: z.string(),
  description: z.string(),
  channels: z.array(z.enum(channels)).min(1),
  assets: z.array(z.string()),
  metricsPlanned: z.array(z.string()),
  durationDays: z.number().int().min(1).max(90),
  lifecycleStage: z.string(),
  audience: z.string().optional(),
  variants: z.array(z.object({ key: z.string(), name: z.string() })).min(2),
  primaryMetrics: z.array(z.string()),
  secondaryMetrics: z.array(z.string()),
  guardrailMetrics: z.array(z.string()),
  plannedMde: z.number().positive().optional(),
  successCriteria: z.array(criterionTemplate),
  /** An exclusive layer (declared under `layers`) and this week's slice of it, [start, end). */
  layer: z.string().optional(),
  layerRange: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).refine(([a, b]) => a < b).optional()
});

/** The shape of a plan template file in `calendar/templates/`. */
export const planTemplateSchema = z.object({
  templateKey: z.string(),
  version: z.number().int(),
  source: z.string(),
  name: z.string(),
  goal: z.string(),
  owner: z.string(),
  notes: z.string(),
  dailyTraffic: z.record(z.string(), z.number().nonnegative()),
  /** The program holdout the plan starts with (issue 16): a share of users kept out of every experiment and winner; seed default the template key. */
  holdout: z.object({ share: z.number().min(0).max(0.2), seed: z.string().regex(/^[A-Za-z0-9._:-]+$/).optional(), note: z.string().optional() }).optional(),
  layers: z.array(z.object({ key: z.string(), name: z.string(), description: z.string().optional() })).default([]),
  metrics: z.array(metricTemplate),
  weeks: z.array(weekTemplate).min(1)
});

export type PlanTemplate = z.infer<typeof planTemplateSchema>;

/** The starter 90-day calendar, validated. */
export function starterPlanTemplate(): PlanTemplate {
  return planTemplateSchema.parse(starterTemplate);
}

/** Reads and validates a template file by path. */
export function readPlanTemplate(path: string): PlanTemplate {
  return planTemplateSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');
