import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experimentMetrics, experiments, metrics, plans, successCriteria, variants } from '../../db/schema.ts';
import { recordAudit } from '../audit.ts';
import { weekStartIso } from '../dates.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';
import { parseInput } from './parse.ts';
import { plannedExperimentInput, type PlannedExperiment, type PlannedExperimentInput } from './experiment-input.ts';

type Ctx = { actor: string; nowMs: number };
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** "Landing page: testimonials!" -> "landing-page-testimonials". */
export function slugify(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'experiment';
}

function uniqueKey(tx: Tx, base: string): string {
  for (let i = 1; ; i++) {
    const key = i === 1 ? base : `${base}-${i}`;
    if (!tx.select({ id: experiments.id }).from(experiments).where(eq(experiments.key, key)).get()) return key;
  }
}

function describeCriterion(c: PlannedExperiment['successCriteria'][number]): string {
  if (c.description) return c.description;
  if (c.kind === 'lift') return `${c.metricKey} improves by at least ${Math.round(c.minRelativeLift * 100)}% (p < ${c.maxPValue})`;
  if (c.kind === 'guardrail') return `${c.metricKey} gets no more than ${Math.round(c.maxRelativeDegradation * 100)}% worse`;
  return c.description;
}

/** Writes variants, metric roles and criteria of `experimentId` (replacing what was there). */
function writeChildren(tx: Tx, experimentId: number, input: PlannedExperiment, replaceVariants: boolean) {
  const wanted = [
    ...(input.primaryMetric ? [{ key: input.primaryMetric, role: 'primary' as const }] : []),
    ...input.secondaryMetrics.map((key) => ({ key, role: 'secondary' as const })),
    ...input.guardrailMetrics.map((key) => ({ key, role: 'guardrail' as const }))
  ];
  const keys = [...new Set([...wanted.map((w) => w.key), ...input.successCriteria.flatMap((c) => ('metricKey' in c ? [c.metricKey] : []))])];
  const found = keys.length === 0 ? [] : tx.select({ id: metrics.id, key: metrics.key }).from(metrics).where(inArray(metrics.key, keys)).all();
  const unknown = keys.find((k) => !found.some((f) => f.key === k));
  if (unknown) throw new InvalidInputError(`unknown metric '${unknown}'`);
  const ids = new Map(found.map((f) => [f.key, f.id]));
  tx.delete(experimentMetrics).where(eq(experimentMetrics.experimentId, experimentId)).run();
  const seen = new Set<string>();
  for (const w of wanted) {
    if (seen.has(w.key)) continue; // a metric has one role: the first listed wins
    seen.add(w.key);
    tx.insert(experimentMetrics).values({ experimentId, metricId: ids.get(w.key)!, role: w.role }).run();
  }
  tx.delete(successCriteria).where(eq(successCriteria.experimentId, experimentId)).run();
  for (const c of input.successCriteria) {
    tx.insert(successCriteria).values({
      experimentId, kind: c.kind, description: describeCriterion(c),
      metricKey: 'metricKey' in c ? c.metricKey : null,
      minRelativeLift: c.kind === 'lift' ? c.minRelativeLift : null,
      maxPValue: c.kind === 'lift' ? c.maxPValue : null,
      maxRelativeDegradation: c.kind === 'guardrail' ? c.maxRelativeDegradation : null
    }).run();
  }
  if (!replaceVariants) return;
  const total = input.variants.reduce((s, v) => s + v.weight, 0);
  tx.delete(variants).where(eq(variants.experimentId, experimentId)).run();
  input.variants.forEach((v, position) => tx.insert(variants).values({
    experimentId, key: v.key, name: v.name, weight: v.weight / total, isControl: position === 0, position
  }).run());
}

function fields(input: PlannedExperiment, planStart: string) {
  return {
    name: input.name, week: input.week, startDate: weekStartIso(planStart, input.week),
    objective: input.objective, hypothesis: input.hypothesis, description: input.description,
    channels: input.channels, assets: input.assets,
    metricsPlanned: [...(input.primaryMetric ? [input.primaryMetric] : []), ...input.secondaryMetrics, ...input.guardrailMetrics],
    durationDays: input.durationDays, audience: input.audience, owner: input.owner, notes: input.notes,
    lifecycleStage: input.lifecycleStage, baselineRate: input.baselineRate ?? null, plannedMde: input.plannedMde ?? null
  };
}

/**
 * Creates a draft experiment in a week of a plan, with variants, metrics and criteria.
 * @example createPlannedExperiment(db, 1, { name: 'Testimonials', week: 3, channels: ['landing-page'], ... }, { actor: 'ana', nowMs })
 */
export function createPlannedExperiment(db: Db, planId: number, raw: PlannedExperimentInput, ctx: Ctx): { key: string; id: number } {
  const input = parseInput(plannedExperimentInput, raw);
  const result = db.transaction((tx) => {
    const plan = tx.select().from(plans).where(eq(plans.id, planId)).get();
    if (!plan) throw new NotFoundError('plan', planId);
    if (input.week > plan.weeks) throw new InvalidInputError(`week must be between 1 and ${plan.weeks}, got ${input.week}`);
    if (input.key && tx.select({ id: experiments.id }).from(experiments).where(eq(experiments.key, input.key)).get()) {
      throw new ConflictError(`an experiment with key '${input.key}' already exists`);
    }
    const key = input.key ?? uniqueKey(tx, `w${String(input.week).padStart(2, '0')}-${slugify(input.name)}`);
    const row = tx.insert(experiments).values({ key, planId, status: 'draft', ...fields(input, plan.startDate), createdAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs })
      .returning({ id: experiments.id }).get();
    writeChildren(tx, row.id, input, true);
    recordAudit(tx, { actor: ctx.actor, action: 'experiment.create', entityType: 'experiment', entityId: key, atMs: ctx.nowMs, details: { planId, week: input.week } });
    return { key, id: row.id };
  }, { behavior: 'immediate' });
  return result;
}

/**
 * Rewrites a planned experiment. Drafts and scheduled ones change freely; a running one may
 * change its variants or weights only with `confirmVariantChange` (logged); later ones are frozen.
 */
export function updatePlannedExperiment(
  db: Db, key: string, raw: PlannedExperimentInput, ctx: Ctx & { confirmVariantChange?: boolean }
): { key: string; id: number } {
  const input = parseInput(plannedExperimentInput, raw);
  const result = db.transaction((tx) => {
    const row = tx.select().from(experiments).where(eq(experiments.key, key)).get();
    if (!row) throw new NotFoundError('experiment', key);
    if (!['draft', 'scheduled', 'running'].includes(row.status)) throw new ConflictError(`experiment '${key}' is ${row.status}; it can no longer be edited`);
    const plan = row.planId === null ? null : tx.select().from(plans).where(eq(plans.id, row.planId)).get();
    if (!plan) throw new ConflictError(`experiment '${key}' belongs to no plan`);
    const before = tx.select().from(variants).where(eq(variants.experimentId, row.id)).all();
    const total = input.variants.reduce((s, v) => s + v.weight, 0);
    const variantsChanged = before.length !== input.variants.length || input.variants.some((v, i) =>
      before.find((b) => b.position === i)?.key !== v.key || Math.abs((before.find((b) => b.position === i)?.weight ?? -1) - v.weight / total) > 1e-9);
    if (row.status === 'running' && variantsChanged && !ctx.confirmVariantChange) {
      throw new ConflictError(`experiment '${key}' is running: changing its variants or weights needs explicit confirmation`);
    }
    const next = fields(input, plan.startDate);
    if (row.status === 'running') { next.week = row.week ?? next.week; next.startDate = row.startDate ?? next.startDate; }
    tx.update(experiments).set({ ...next, updatedAtMs: ctx.nowMs }).where(and(eq(experiments.id, row.id), ne(experiments.status, 'concluded'))).run();
    writeChildren(tx, row.id, input, variantsChanged);
    recordAudit(tx, { actor: ctx.actor, action: variantsChanged && row.status === 'running' ? 'experiment.variants-changed-while-running' : 'experiment.update',
      entityType: 'experiment', entityId: key, atMs: ctx.nowMs,
      details: { status: row.status, variantsChanged, ...(variantsChanged ? { variants: { from: before.map((b) => [b.key, b.weight]), to: input.variants.map((v) => [v.key, v.weight / total]) } } : {}) } });
    return { key, id: row.id };
  }, { behavior: 'immediate' });
  notifyExperimentChanged(key);
  return result;
}
