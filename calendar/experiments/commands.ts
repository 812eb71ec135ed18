import type { Data } from '../../db/store/index.ts';
import { recordAudit } from '../audit.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';
import { transition } from '../lifecycle/index.ts';
import { changedFields, currentPlan, type RegisteredPlan } from '../lifecycle/registration.ts';
import { isoDay } from '../dates.ts';
import { parseInput } from '../planning/parse.ts';
import { createExperimentInput, updateExperimentInput, type CreateExperimentInput, type UpdateExperimentInput } from './input.ts';
import { getExperimentDetail, type ExperimentDetail } from './queries.ts';

import type { CommandContext } from '../audit.ts';
import type { Experiment } from '../model.ts';
export type { CommandContext };
type Variant = { key: string; name?: string; description?: string; weight: number; control?: boolean };
type MetricRoles = { primary: string[]; secondary: string[]; guardrail: string[] };
type Criterion = NonNullable<CreateExperimentInput['successCriteria']>[number];

async function layerId(tx: Data, key: string | null | undefined, nowMs: number): Promise<number | null> {
  if (!key) return null;
  const found = await tx.layers.byKey(key);
  if (found) return found.id;
  // Naming a new layer creates it: layers are just names for a shared split.
  return (await tx.layers.insert({ key, name: key, createdAtMs: nowMs })).id;
}

/** Replaces the variants: weights normalised to sum to 1, the marked (or first) one is the control. */
async function writeVariants(tx: Data, experimentId: number, list: Variant[]): Promise<void> {
  const total = list.reduce((s, v) => s + v.weight, 0);
  const controlIndex = Math.max(0, list.findIndex((v) => v.control));
  const existing = await tx.experiments.variants(experimentId);
  const removed = existing.filter((e) => !list.some((v) => v.key === e.key)).map((e) => e.key);
  if (removed.length > 0) {
    const exposed = await tx.experiments.exposedUsers(experimentId, removed);
    if (exposed > 0) throw new ConflictError(`cannot remove variant(s) ${removed.join(', ')}: ${exposed} users were exposed to them`);
    await tx.experiments.deleteVariants(experimentId, removed);
  }
  for (const [position, v] of list.entries()) {
    await tx.experiments.upsertVariant(experimentId, {
      key: v.key, name: v.name ?? existing.find((e) => e.key === v.key)?.name ?? v.key, description: v.description ?? null,
      weight: v.weight / total, isControl: position === controlIndex, position
    });
  }
}

/** Throws InvalidInputError naming the first key that is not a defined metric. */
async function assertMetricsExist(tx: Data, keys: string[]): Promise<Map<string, number>> {
  const wanted = [...new Set(keys)];
  const found = await tx.metrics.byKeys(wanted);
  const unknown = wanted.find((k) => !found.some((f) => f.key === k));
  if (unknown) throw new InvalidInputError(`unknown metric '${unknown}'; define it first (POST /api/v1/metrics)`);
  return new Map(found.map((f) => [f.key, f.id]));
}

async function writeMetrics(tx: Data, experimentId: number, roles: MetricRoles): Promise<void> {
  const listed = [...roles.primary, ...roles.secondary, ...roles.guardrail];
  const twice = listed.find((k, i) => listed.indexOf(k) !== i);
  if (twice) throw new InvalidInputError(`metric '${twice}' is listed under two roles`);
  const ids = await assertMetricsExist(tx, listed);
  await tx.experiments.replaceMetricLinks(experimentId, (['primary', 'secondary', 'guardrail'] as const)
    .flatMap((role) => roles[role].map((key) => ({ metricId: ids.get(key)!, role }))));
}

/** Replaces the success criteria; each criterion's metric must exist. */
async function writeCriteria(tx: Data, experimentId: number, criteria: Criterion[]): Promise<void> {
  await assertMetricsExist(tx, criteria.flatMap((c) => (c.metricKey ? [c.metricKey] : [])));
  await tx.experiments.replaceCriteria(experimentId, criteria.map((c) => ({
    kind: c.kind, metricKey: c.metricKey ?? null, minRelativeLift: c.minRelativeLift ?? null,
    maxPValue: c.maxPValue ?? null, maxRelativeDegradation: c.maxRelativeDegradation ?? null, description: c.description
  })));
}

async function assertPlanExists(tx: Data, planId: number | null | undefined): Promise<void> {
  if (planId != null && !(await tx.plans.byId(planId))) throw new NotFoundError('plan', planId);
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
export async function assertLayerSliceFree(data: Data, key: string): Promise<void> {
  const row = await data.experiments.byKey(key);
  if (!row || row.layerId === null) return;
  const [start, end] = [row.layerStart ?? 0, row.layerEnd ?? 1];
  const others = (await data.experiments.list({ layerId: row.layerId, status: 'running' })).filter((o) => o.id !== row.id);
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
 * @example await createExperiment(data, { key: 'checkout-cta', name: 'Checkout CTA', variants: [{ key: 'control' }, { key: 'green' }] }, { actor: 'ana', nowMs })
 */
export async function createExperiment(data: Data, raw: CreateExperimentInput, ctx: CommandContext): Promise<ExperimentDetail> {
  const input = parseInput(createExperimentInput, raw);
  checkForced(input.forcedVariants, input.variants.map((v) => v.key));
  await data.transaction(async (tx) => {
    if (await tx.experiments.byKey(input.key)) {
      throw new ConflictError(`an experiment with key '${input.key}' already exists`);
    }
    await assertPlanExists(tx, input.planId);
    const { variants: list, metrics: roles, successCriteria: criteria, layer, layerRange, ...fields } = input;
    const row = await tx.experiments.insert({
      ...fields, status: 'draft', layerId: await layerId(tx, layer, ctx.nowMs),
      layerStart: layer ? layerRange?.[0] ?? 0 : null, layerEnd: layer ? layerRange?.[1] ?? 1 : null,
      createdAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs
    });
    await writeVariants(tx, row.id, list);
    if (roles) await writeMetrics(tx, row.id, roles);
    if (criteria) await writeCriteria(tx, row.id, criteria);
    await recordAudit(tx, { actor: ctx.actor, action: 'experiment.create', entityType: 'experiment', entityId: input.key, atMs: ctx.nowMs, details: { input: raw } });
  });
  notifyExperimentChanged(input.key);
  return getExperimentDetail(data, input.key);
}

type PlanPatch = {
  roles?: MetricRoles; criteria?: Criterion[]; plannedMde?: number | null;
  analysis?: RegisteredPlan['analysis']; exploratory?: boolean;
};

/**
 * The amendment a patch makes to a registered experiment (null when it changes nothing that was
 * registered). Throws ConflictError naming the fields when the patch has no reason, and for an
 * analysis plan before the first start (it is frozen with the defaults then, and amended after).
 */
async function amendmentOf(tx: Data, row: Experiment, p: PlanPatch, reason: string | undefined) {
  if (!row.registration) {
    if (p.analysis) throw new ConflictError(`experiment '${row.key}' has not started: its analysis plan is registered at the first start (sequential, holm, alpha 0.05) and can be amended after`);
    return null;
  }
  const before = await currentPlan(tx, row);
  const after: Partial<RegisteredPlan> = {
    metrics: p.roles && (['primary', 'secondary', 'guardrail'] as const).flatMap((role) => p.roles![role].map((key) => ({ key, role }))),
    criteria: p.criteria?.map((c) => ({
      kind: c.kind, metricKey: c.metricKey ?? null, minRelativeLift: c.minRelativeLift ?? null,
      maxPValue: c.maxPValue ?? null, maxRelativeDegradation: c.maxRelativeDegradation ?? null, description: c.description
    })),
    plannedMde: p.plannedMde, analysis: p.analysis, exploratory: p.exploratory
  };
  const fields = changedFields(before, after);
  if (fields.length === 0) return null;
  if (!reason) {
    throw new ConflictError(`experiment '${row.key}' was registered when it started on ${isoDay(row.registration.registeredAtMs)}: ` +
      `changing ${fields.join(', ')} is an amendment and needs a reason ("amendmentReason"); it is recorded and shown on the report`);
  }
  const pick = (plan: Partial<RegisteredPlan>) => Object.fromEntries(fields.map((f) => [f, plan[f]])) as Partial<RegisteredPlan>;
  return { reason, fields, before: pick(before), after: pick(after), reportViews: row.reportViews };
}

const sensitiveWhileRunning = ['variants', 'seed', 'layer', 'layerRange'] as const;

/**
 * Updates an experiment. On a running experiment, changing variants, weights, seed or layer
 * needs `confirm: true` (exposed users stay sticky, the others may move); every update is
 * audit-logged with the fields it changed.
 * @example await updateExperiment(data, 'checkout-cta', { coverage: 0.5 }, { actor: 'ana', nowMs })
 */
export async function updateExperiment(data: Data, key: string, raw: UpdateExperimentInput, ctx: CommandContext): Promise<ExperimentDetail> {
  const patch = parseInput(updateExperimentInput, raw);
  await data.transaction(async (tx) => {
    const row = await tx.experiments.byKey(key);
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
    const { variants: list, metrics: roles, successCriteria: criteria, layer, layerRange, confirm: _c, analysis, amendmentReason, ...fields } = patch;
    const amendment = await amendmentOf(tx, row, { roles, criteria, plannedMde: fields.plannedMde, analysis, exploratory: fields.exploratory }, amendmentReason);
    await assertPlanExists(tx, fields.planId);
    const variantKeys = list?.map((v) => v.key) ?? (await tx.experiments.variants(row.id)).map((v) => v.key);
    checkForced(fields.forcedVariants ?? row.forcedVariants, variantKeys);
    const before = await getExperimentDetail(tx, key);
    const layerChange = layer === undefined && layerRange === undefined ? {}
      : { layerId: layer === undefined ? row.layerId : await layerId(tx, layer, ctx.nowMs),
          layerStart: (layer === undefined ? row.layerId : layer) === null ? null : layerRange?.[0] ?? row.layerStart ?? 0,
          layerEnd: (layer === undefined ? row.layerId : layer) === null ? null : layerRange?.[1] ?? row.layerEnd ?? 1 };
    await tx.experiments.update(row.id, { ...fields, ...layerChange, updatedAtMs: ctx.nowMs });
    if (list) await writeVariants(tx, row.id, list);
    if (roles) await writeMetrics(tx, row.id, roles);
    if (criteria) await writeCriteria(tx, row.id, criteria);
    if (row.status === 'running' && (layer !== undefined || layerRange !== undefined)) await assertLayerSliceFree(tx, key);
    if (amendment) await tx.experiments.insertAmendment({ ...amendment, experimentId: row.id, atMs: ctx.nowMs, actor: ctx.actor });
    await recordAudit(tx, {
      actor: ctx.actor, action: 'experiment.update', entityType: 'experiment', entityId: key, atMs: ctx.nowMs,
      details: {
        fields: Object.keys(raw).filter((f) => f !== 'confirm'), status: row.status, confirmed: patch.confirm === true,
        ...(list ? { variantsBefore: before.variants.map((v) => ({ key: v.key, weight: v.weight })) } : {}),
        patch: raw
      }
    });
  });
  notifyExperimentChanged(key);
  return getExperimentDetail(data, key);
}

/** Starts an experiment after checking its layer slice is free; see `transition`. */
export async function startExperiment(data: Data, key: string, ctx: CommandContext): Promise<ExperimentDetail> {
  await assertLayerSliceFree(data, key);
  const detail = await getExperimentDetail(data, key);
  if (detail.variants.length < 2) throw new ConflictError(`experiment '${key}' needs at least two variants to start`);
  await transition(data, key, 'start', ctx);
  return getExperimentDetail(data, key);
}

/**
 * Starts a stopped experiment again, with the reason the planner gives (at least 5 characters).
 * The reason goes to the audit log's `experiment.start`, and the report marks the restart:
 * stopping on a bad day and restarting on a good one is a form of peeking.
 * @example await restartExperiment(data, 'w03-shorter-signup-form', 'the landing page was down for a day', { actor: 'ana', nowMs })
 */
export async function restartExperiment(data: Data, key: string, reason: string, ctx: CommandContext): Promise<ExperimentDetail> {
  const row = await data.experiments.byKey(key);
  if (!row) throw new NotFoundError('experiment', key);
  if (row.status !== 'stopped') throw new ConflictError(`experiment '${key}' is ${row.status}, not stopped; only a stopped test is restarted`);
  const restartReason = reason.trim();
  if (restartReason.length < 5) throw new InvalidInputError('say why the test starts again (at least 5 characters): the report shows the restart and the reason');
  const withReason: CommandContext & { details: Record<string, unknown> } = { ...ctx, details: { restartReason } };
  return startExperiment(data, key, withReason);
}

/** Stops a running experiment; assignments then return the control with reason "stopped". */
export async function stopExperiment(data: Data, key: string, ctx: CommandContext): Promise<ExperimentDetail> {
  await transition(data, key, 'stop', ctx);
  return getExperimentDetail(data, key);
}
