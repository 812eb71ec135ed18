import type { Data } from '../../db/store/index.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { weekStartIso } from '../dates.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { createExperiment, updateExperiment } from '../experiments/commands.ts';
import type { CreateExperimentInput } from '../experiments/input.ts';
import { parseInput } from './parse.ts';
import { plannedExperimentInput, type PlannedExperiment, type PlannedExperimentInput } from './experiment-input.ts';

/*
 * The week editor is an adapter: it maps the planner's form (week slot, one primary metric,
 * criteria without descriptions, weights by position) onto `createExperiment` /
 * `updateExperiment` in `calendar/experiments`, the one place that writes experiments,
 * variants, metric links and success criteria.
 */

type Ctx = CommandContext;

/** "Landing page: testimonials!" -> "landing-page-testimonials". */
export function slugify(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'experiment';
}

async function uniqueKey(tx: Data, base: string): Promise<string> {
  for (let i = 1; ; i++) {
    const key = i === 1 ? base : `${base}-${i}`;
    if (!(await tx.experiments.byKey(key))) return key;
  }
}

function describeCriterion(c: PlannedExperiment['successCriteria'][number]): string {
  if (c.description) return c.description;
  if (c.kind === 'lift') return `${c.metricKey} improves by at least ${Math.round(c.minRelativeLift * 100)}% (p < ${c.maxPValue})`;
  if (c.kind === 'guardrail') return `${c.metricKey} gets no more than ${Math.round(c.maxRelativeDegradation * 100)}% worse`;
  return c.description;
}

/** A metric has one role: the first listed wins (the form may tick one metric twice). */
function metricRoles(input: PlannedExperiment) {
  const primary = input.primaryMetric ? [input.primaryMetric] : [];
  const secondary = [...new Set(input.secondaryMetrics)].filter((k) => !primary.includes(k));
  const guardrail = [...new Set(input.guardrailMetrics)].filter((k) => !primary.includes(k) && !secondary.includes(k));
  return { primary, secondary, guardrail };
}

/** The planner's fields as the experiment writer's input (without key, plan, week and variants). */
function describing(input: PlannedExperiment) {
  return {
    name: input.name, objective: input.objective, hypothesis: input.hypothesis, description: input.description,
    channels: input.channels, assets: input.assets,
    metricsPlanned: [...(input.primaryMetric ? [input.primaryMetric] : []), ...input.secondaryMetrics, ...input.guardrailMetrics],
    durationDays: input.durationDays, audience: input.audience, owner: input.owner, notes: input.notes,
    lifecycleStage: input.lifecycleStage, baselineRate: input.baselineRate ?? null, plannedMde: input.plannedMde ?? null,
    metrics: metricRoles(input),
    successCriteria: input.successCriteria.map((c) => ({ ...c, description: describeCriterion(c) })),
    ...(input.exploratory === undefined ? {} : { exploratory: input.exploratory })
  } satisfies Partial<CreateExperimentInput>;
}

/** The plan, checking that `week` (when given) is one of its weeks. */
async function planOf(tx: Data, planId: number, week?: number) {
  const plan = await tx.plans.byId(planId);
  if (!plan) throw new NotFoundError('plan', planId);
  if (week !== undefined && week > plan.weeks) throw new InvalidInputError(`week must be between 1 and ${plan.weeks}, got ${week}`);
  return plan;
}

/**
 * Creates a draft experiment in a week of a plan (start date = that week's Monday), with a key
 * from the week and name unless one is given; the first variant is the control.
 * @example await createPlannedExperiment(data, 1, { name: 'Testimonials', week: 3, channels: ['landing-page'], ... }, { actor: 'ana', nowMs })
 */
export async function createPlannedExperiment(data: Data, planId: number, raw: PlannedExperimentInput, ctx: Ctx): Promise<{ key: string; id: number }> {
  const input = parseInput(plannedExperimentInput, raw);
  return data.transaction(async (tx) => {
    const plan = await planOf(tx, planId, input.week);
    const key = input.key ?? await uniqueKey(tx, `w${String(input.week).padStart(2, '0')}-${slugify(input.name)}`);
    const created = await createExperiment(tx, {
      key, planId, week: input.week, startDate: weekStartIso(plan.startDate, input.week), ...describing(input),
      variants: input.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight }))
    }, ctx);
    return { key, id: created.id };
  });
}

/**
 * Rewrites a planned experiment. Drafts and scheduled ones change freely; a running one keeps
 * its week and start date, and may change its variants or weights only with
 * `confirmVariantChange` (logged as `experiment.variants-changed-while-running`); later ones are frozen.
 */
export async function updatePlannedExperiment(
  data: Data, key: string, raw: PlannedExperimentInput, ctx: Ctx & { confirmVariantChange?: boolean }
): Promise<{ key: string; id: number }> {
  const input = parseInput(plannedExperimentInput, raw);
  return data.transaction(async (tx) => {
    const row = await tx.experiments.byKey(key);
    if (!row) throw new NotFoundError('experiment', key);
    if (!['draft', 'scheduled', 'running'].includes(row.status)) throw new ConflictError(`experiment '${key}' is ${row.status}; it can no longer be edited`);
    if (row.planId === null) throw new ConflictError(`experiment '${key}' belongs to no plan`);
    const running = row.status === 'running';
    const plan = await planOf(tx, row.planId, running ? undefined : input.week);
    const before = await tx.experiments.variants(row.id);
    const total = input.variants.reduce((s, v) => s + v.weight, 0);
    const at = (i: number) => before.find((b) => b.position === i);
    const variantsChanged = before.length !== input.variants.length ||
      input.variants.some((v, i) => at(i)?.key !== v.key || Math.abs((at(i)?.weight ?? -1) - v.weight / total) > 1e-9);
    const schedule = running ? {} : { week: input.week, startDate: weekStartIso(plan.startDate, input.week) };
    // A running experiment's variants are sent only when keys or weights change, so that
    // fixing a typo elsewhere needs no confirmation.
    const variantChange = running && !variantsChanged ? {}
      : { variants: input.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight })), confirm: ctx.confirmVariantChange === true };
    const reason = input.amendmentReason ? { amendmentReason: input.amendmentReason } : {};
    await updateExperiment(tx, key, { ...describing(input), ...schedule, ...variantChange, ...reason }, ctx);
    if (running && variantsChanged) {
      await recordAudit(tx, { actor: ctx.actor, action: 'experiment.variants-changed-while-running', entityType: 'experiment', entityId: key, atMs: ctx.nowMs,
        details: { from: before.map((b) => [b.key, b.weight]), to: input.variants.map((v) => [v.key, v.weight / total]) } });
    }
    return { key, id: row.id };
  });
}
