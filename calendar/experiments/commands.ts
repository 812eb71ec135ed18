import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experimentMetrics, experiments, exposures, layers, metrics, plans, successCriteria, variants } from '../../db/schema.ts';
import { recordAudit } from '../audit.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';
import { transition } from '../lifecycle/index.ts';
import { parseInput } from '../planning/parse.ts';
import { createExperimentInput, updateExperimentInput, type CreateExperimentInput, type UpdateExperimentInput } from './input.ts';
import { getExperimentDetail, type ExperimentDetail } from './queries.ts';

import type { CommandContext } from '../audit.ts';
export type { CommandContext };
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Variant = { key: string; name?: string; description?: string; weight: number; control?: boolean };
type MetricRoles = { primary: string[]; secondary: string[]; guardrail: string[] };
type Criterion = NonNullable<CreateExperimentInput['successCriteria']>[number];

function layerId(tx: Tx, key: string | null | undefined, nowMs: number): number | null {
  if (!key) return null;
  const found = tx.select({ id: layers.id }).from(layers).where(eq(layers.key, key)).get();
  if (found) return found.id;
  // Naming a new layer creates it: layers are just names for a shared split.
  return tx.insert(layers).values({ key, name: key, createdAtMs: nowMs }).returning({ id: layers.id }).get().id;
}

/** Replaces the variants: weights normalised to sum to 1, the marked (or first) one is the control. */
function writeVariants(tx: Tx, experimentId: number, list: Variant[]): void {
  const total = list.reduce((s, v) => s + v.weight, 0);
  const controlIndex = Math.max(0, list.findIndex((v) => v.control));
  const existing = tx.select().from(variants).where(eq(variants.experimentId, experimentId)).all();
  const removed = existing.filter((e) => !list.some((v) => v.key === e.key)).map((e) => e.key);
  if (removed.length > 0) {
    const exposed = tx.select({ n: sql<number>`count(*)` }).from(exposures)
      .where(and(eq(exposures.experimentId, experimentId), inArray(exposures.variantKey, removed))).get()!.n;
    if (exposed > 0) throw new ConflictError(`cannot remove variant(s) ${removed.join(', ')}: ${exposed} users were exposed to them`);
    tx.delete(variants).where(and(eq(variants.experimentId, experimentId), inArray(variants.key, removed))).run();
  }
  list.forEach((v, position) => {
    const values = {
      name: v.name ?? existing.find((e) => e.key === v.key)?.name ?? v.key, description: v.description ?? null,
      weight: v.weight / total, isControl: position === controlIndex, position
    };
    tx.insert(variants).values({ experimentId, key: v.key, ...values })
      .onConflictDoUpdate({ target: [variants.experimentId, variants.key], set: values }).run();
  });
}

/** Throws InvalidInputError naming the first key that is not a defined metric. */
function assertMetricsExist(tx: Tx, keys: string[]): Map<string, number> {
  const wanted = [...new Set(keys)];
  const found = wanted.length === 0 ? [] : tx.select({ id: metrics.id, key: metrics.key }).from(metrics).where(inArray(metrics.key, wanted)).all();
  const unknown = wanted.find((k) => !found.some((f) => f.key === k));
  if (unknown) throw new InvalidInputError(`unknown metric '${unknown}'; define it first (POST /api/v1/metrics)`);
  return new Map(found.map((f) => [f.key, f.id]));
}

function writeMetrics(tx: Tx, experimentId: number, roles: MetricRoles): void {
  const listed = [...roles.primary, ...roles.secondary, ...roles.guardrail];
  const twice = listed.find((k, i) => listed.indexOf(k) !== i);
  if (twice) throw new InvalidInputError(`metric '${twice}' is listed under two roles`);
  const ids = assertMetricsExist(tx, listed);
  tx.delete(experimentMetrics).where(eq(experimentMetrics.experimentId, experimentId)).run();
  for (const role of ['primary', 'secondary', 'guardrail'] as const) {
    for (const key of roles[role]) tx.insert(experimentMetrics).values({ experimentId, metricId: ids.get(key)!, role }).run();
  }
}

/** Replaces the success criteria; each criterion's metric must exist. */
function writeCriteria(tx: Tx, experimentId: number, criteria: Criterion[]): void {
  assertMetricsExist(tx, criteria.flatMap((c) => (c.metricKey ? [c.metricKey] : [])));
  tx.delete(successCriteria).where(eq(successCriteria.experimentId, experimentId)).run();
  for (const c of criteria) tx.insert(successCriteria).values({ experimentId, ...c }).run();
}

function assertPlanExists(tx: Tx, planId: number | null | undefined): void {
  if (planId != null && !tx.select({ id: plans.id }).from(plans).where(eq(plans.id, planId)).get()) throw new NotFoundError('plan', planId);
}

function checkForced(forced: Record<string, string> | undefined, keys: string[]): void {
  for (const [userId, variant] of Object.entries(forced ?? {})) {
    if (!keys.includes(variant)) throw new InvalidInputError(`forcedVariants: user '${userId}' is forced to unknown variant '${variant}'`);
  }
}

/**
 * Throws ConflictError when a running experiment of the same layer uses an overlapping slice,
 * since those two would share users.
 */
export function assertLayerSliceFree(db: Pick<Db, 'select'>, key: string): void {
  const row = db.select().from(experiments).where(eq(experiments.key, key)).get();
  if (!row || row.layerId === null) return;
  const [start, end] = [row.layerStart ?? 0, row.layerEnd ?? 1];
  const others = db.select().from(experiments)
    .where(and(eq(experiments.layerId, row.layerId), eq(experiments.status, 'running'), ne(experiments.id, row.id))).all();
  const clash = others.find((o) => (o.layerStart ?? 0) < end && start < (o.layerEnd ?? 1));
  if (clash) {
    throw new ConflictError(`experiment '${key}' uses layer slice [${start}, ${end}) which overlaps running experiment ` +
      `'${clash.key}' [${clash.layerStart ?? 0}, ${clash.layerEnd ?? 1}); give it another layerRange`);
  }
}

/**
 * Creates a draft experiment with its variants, metrics and success criteria (one transaction,
 * audit-logged). The one writer of experiments: the API and the planner's week editor
 * (`calendar/planning`) both come here. Throws ConflictError for a taken key, NotFoundError
 * for an unknown plan, InvalidInputError for unknown metrics or invalid input.
 * @example createExperiment(db, { key: 'checkout-cta', name: 'Checkout CTA', variants: [{ key: 'control' }, { key: 'green' }] }, { actor: 'ana', nowMs })
 */
export function createExperiment(db: Db, raw: CreateExperimentInput, ctx: CommandContext): ExperimentDetail {
  const input = parseInput(createExperimentInput, raw);
  checkForced(input.forcedVariants, input.variants.map((v) => v.key));
  db.transaction((tx) => {
    if (tx.select({ id: experiments.id }).from(experiments).where(eq(experiments.key, input.key)).get()) {
      throw new ConflictError(`an experiment with key '${input.key}' already exists`);
    }
    assertPlanExists(tx, input.planId);
    const { variants: list, metrics: roles, successCriteria: criteria, layer, layerRange, ...fields } = input;
    const row = tx.insert(experiments).values({
      ...fields, status: 'draft', layerId: layerId(tx, layer, ctx.nowMs),
      layerStart: layer ? layerRange?.[0] ?? 0 : null, layerEnd: layer ? layerRange?.[1] ?? 1 : null,
      createdAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs
    }).returning({ id: experiments.id }).get();
    writeVariants(tx, row.id, list);
    if (roles) writeMetrics(tx, row.id, roles);
    if (criteria) writeCriteria(tx, row.id, criteria);
    recordAudit(tx, { actor: ctx.actor, action: 'experiment.create', entityType: 'experiment', entityId: input.key, atMs: ctx.nowMs, details: { input: raw } });
  }, { behavior: 'immediate' });
  notifyExperimentChanged(input.key);
  return getExperimentDetail(db, input.key);
}

const sensitiveWhileRunning = ['variants', 'seed', 'layer', 'layerRange'] as const;

/**
 * Updates an experiment. On a running experiment, changing variants, weights, seed or layer
 * needs `confirm: true` (exposed users stay sticky, the others may move); every update is
 * audit-logged with the fields it changed.
 * @example updateExperiment(db, 'checkout-cta', { coverage: 0.5 }, { actor: 'ana', nowMs })
 */
export function updateExperiment(db: Db, key: string, raw: UpdateExperimentInput, ctx: CommandContext): ExperimentDetail {
  const patch = parseInput(updateExperimentInput, raw);
  db.transaction((tx) => {
    const row = tx.select().from(experiments).where(eq(experiments.key, key)).get();
    if (!row) throw new NotFoundError('experiment', key);
    const sensitive = sensitiveWhileRunning.filter((f) => patch[f] !== undefined);
    // A concluded result stands for the variants and criteria it was measured with.
    const frozen = [...sensitive, ...(['metrics', 'successCriteria'] as const).filter((f) => patch[f] !== undefined)];
    // Dates move only through the lifecycle (extend, reschedule) once an experiment has started.
    const moved = (['startDate', 'durationDays', 'week', 'planId'] as const)
      .filter((f) => patch[f] !== undefined && patch[f] !== row[f]);
    if (!['draft', 'scheduled'].includes(row.status) && moved.length > 0) {
      throw new ConflictError(`experiment '${key}' is ${row.status}: ${moved.join(', ')} change only through extend (longer duration) while it runs, not by editing`);
    }
    if ((row.status === 'concluded' || row.status === 'promoted') && frozen.length > 0) {
      throw new ConflictError(`experiment '${key}' is ${row.status}: ${frozen.join(', ')} can no longer change (its result was measured with them)`);
    }
    if (row.status === 'running' && sensitive.length > 0 && patch.confirm !== true) {
      throw new ConflictError(`experiment '${key}' is running: changing ${sensitive.join(', ')} needs explicit confirmation ("confirm": true), since users not exposed yet may move`);
    }
    const { variants: list, metrics: roles, successCriteria: criteria, layer, layerRange, confirm: _c, ...fields } = patch;
    assertPlanExists(tx, fields.planId);
    const variantKeys = list?.map((v) => v.key) ?? tx.select({ key: variants.key }).from(variants).where(eq(variants.experimentId, row.id)).all().map((v) => v.key);
    checkForced(fields.forcedVariants ?? row.forcedVariants, variantKeys);
    const before = getExperimentDetail(tx as unknown as Db, key);
    const layerChange = layer === undefined && layerRange === undefined ? {}
      : { layerId: layer === undefined ? row.layerId : layerId(tx, layer, ctx.nowMs),
          layerStart: (layer === undefined ? row.layerId : layer) === null ? null : layerRange?.[0] ?? row.layerStart ?? 0,
          layerEnd: (layer === undefined ? row.layerId : layer) === null ? null : layerRange?.[1] ?? row.layerEnd ?? 1 };
    tx.update(experiments).set({ ...fields, ...layerChange, updatedAtMs: ctx.nowMs }).where(eq(experiments.id, row.id)).run();
    if (list) writeVariants(tx, row.id, list);
    if (roles) writeMetrics(tx, row.id, roles);
    if (criteria) writeCriteria(tx, row.id, criteria);
    if (row.status === 'running' && (layer !== undefined || layerRange !== undefined)) assertLayerSliceFree(tx, key);
    recordAudit(tx, {
      actor: ctx.actor, action: 'experiment.update', entityType: 'experiment', entityId: key, atMs: ctx.nowMs,
      details: {
        fields: Object.keys(raw).filter((f) => f !== 'confirm'), status: row.status, confirmed: patch.confirm === true,
        ...(list ? { variantsBefore: before.variants.map((v) => ({ key: v.key, weight: v.weight })) } : {}),
        patch: raw
      }
    });
  }, { behavior: 'immediate' });
  notifyExperimentChanged(key);
  return getExperimentDetail(db, key);
}

/** Starts an experiment after checking its layer slice is free; see `transition`. */
export function startExperiment(db: Db, key: string, ctx: CommandContext): ExperimentDetail {
  assertLayerSliceFree(db, key);
  const detail = getExperimentDetail(db, key);
  if (detail.variants.length < 2) throw new ConflictError(`experiment '${key}' needs at least two variants to start`);
  transition(db, key, 'start', ctx);
  return getExperimentDetail(db, key);
}

/** Stops a running experiment; assignments then return the control with reason "stopped". */
export function stopExperiment(db: Db, key: string, ctx: CommandContext): ExperimentDetail {
  transition(db, key, 'stop', ctx);
  return getExperimentDetail(db, key);
}
