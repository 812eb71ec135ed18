import { randomBytes } from 'node:crypto';
import type { Data } from '../../db/store/index.ts';
import type { Plan } from '../model.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { applyTransition } from '../lifecycle/transitions.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';
import { parseInput } from '../planning/parse.ts';
import { holdoutInput, planInput, planPatch, type HoldoutInput, type PlanInput, type PlanPatch } from './input.ts';

type Ctx = CommandContext;
export type PlanRow = Plan;

/** A fresh secret for a plan's iCalendar feed URL (192 random bits, URL-safe). */
export function newCalendarToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Creates a plan (status `draft` until started) with its calendar feed token.
 * @example await createPlan(data, { name: 'Q1 retention', startDate: '2027-01-04', weeks: 12, dailyTraffic: { email: 1200 } }, { actor: 'ana', nowMs })
 */
export async function createPlan(data: Data, raw: PlanInput, ctx: Ctx, options: { status?: PlanRow['status'] } = {}): Promise<PlanRow> {
  const input = parseInput(planInput, raw);
  return data.transaction(async (tx) => {
    const plan = await tx.plans.insert({
      ...input, status: options.status ?? 'draft', calendarToken: newCalendarToken(), createdAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs
    });
    await recordAudit(tx, { actor: ctx.actor, action: 'plan.create', entityType: 'plan', entityId: plan.id, atMs: ctx.nowMs, details: { name: plan.name, startDate: plan.startDate } });
    return plan;
  });
}

/** The plan row; throws NotFoundError. */
export async function getPlan(data: Data, planId: number): Promise<PlanRow> {
  const plan = await data.plans.byId(planId);
  if (!plan) throw new NotFoundError('plan', planId);
  return plan;
}

/** Changes a plan's name, owner, goal, traffic, notes or status (logged with the old values). */
export async function updatePlan(data: Data, planId: number, raw: PlanPatch, ctx: Ctx): Promise<PlanRow> {
  const patch = parseInput(planPatch, raw);
  return data.transaction(async (tx) => {
    const before = await getPlan(tx, planId);
    const after = await tx.plans.update(planId, { ...patch, updatedAtMs: ctx.nowMs });
    const changed = Object.fromEntries(Object.keys(patch).map((k) => [k, { from: before[k as keyof PlanRow], to: after[k as keyof PlanRow] }]));
    await recordAudit(tx, { actor: ctx.actor, action: 'plan.update', entityType: 'plan', entityId: planId, atMs: ctx.nowMs, details: changed });
    return after;
  });
}

/**
 * Sets a plan's program holdout (share 0 turns it off). Refused (409) once an experiment of the
 * plan has started: a changed share or seed would move users between the holdout and the
 * experiments mid-plan, and both the exposures and the impact report would mix the two.
 * @example await setPlanHoldout(data, 2, { share: 0.05 }, { actor: 'ana', nowMs }) // { holdoutShare: 0.05, holdoutSeed: 'plan-2', … }
 */
export async function setPlanHoldout(data: Data, planId: number, raw: HoldoutInput, ctx: Ctx): Promise<PlanRow> {
  const input = parseInput(holdoutInput, raw);
  const after = await data.transaction(async (tx) => {
    const before = await getPlan(tx, planId);
    const seed = input.seed ?? before.holdoutSeed ?? before.templateKey ?? `plan-${planId}`;
    if (before.holdoutShare === input.share && before.holdoutSeed === seed) return before;
    const started = await tx.experiments.list({ planId, statuses: ['running', 'stopped', 'concluded', 'promoted'] });
    if (started.length) {
      throw new ConflictError(`plan ${planId}'s holdout is fixed: '${started[0]!.key}' has started (${started[0]!.status}); changing it now would move users between the holdout and the experiments`);
    }
    const plan = await tx.plans.update(planId, { holdoutShare: input.share, holdoutSeed: seed, updatedAtMs: ctx.nowMs });
    await recordAudit(tx, { actor: ctx.actor, action: 'plan.holdout', entityType: 'plan', entityId: planId, atMs: ctx.nowMs,
      details: { share: { from: before.holdoutShare, to: plan.holdoutShare }, seed: { from: before.holdoutSeed, to: plan.holdoutSeed } } });
    return plan;
  });
  // Assignment configs carry the plan's holdout: reload them.
  const experiments = await data.experiments.list({ planId });
  experiments.forEach((e) => notifyExperimentChanged(e.key));
  return after;
}

/** Deletes a plan that has no experiments beyond drafts (the drafts go with it). */
export async function deletePlan(data: Data, planId: number, ctx: Ctx): Promise<void> {
  await data.transaction(async (tx) => {
    await getPlan(tx, planId);
    const busy = await tx.experiments.list({ planId, statuses: ['scheduled', 'running', 'stopped', 'concluded', 'promoted'] });
    if (busy.length) throw new ConflictError(`plan ${planId} has ${busy.length} experiment(s) past draft (e.g. '${busy[0]!.key}' is ${busy[0]!.status}); archive it instead`);
    await tx.experiments.deleteOfPlan(planId);
    await tx.plans.delete(planId);
    await recordAudit(tx, { actor: ctx.actor, action: 'plan.delete', entityType: 'plan', entityId: planId, atMs: ctx.nowMs });
  });
}

/**
 * Starts a plan: it becomes active and every draft experiment with a start date is scheduled,
 * so the scheduler starts each on its date. Returns the keys scheduled.
 * @example await startPlan(data, 2, { actor: 'ana', nowMs }) // ['w01-...', 'w03-...']
 */
export async function startPlan(data: Data, planId: number, ctx: Ctx): Promise<string[]> {
  const keys = await data.transaction(async (tx) => {
    const plan = await getPlan(tx, planId);
    if (plan.status === 'archived') throw new ConflictError(`plan ${planId} is archived`);
    const drafts = await tx.experiments.list({ planId, status: 'draft', hasStartDate: true });
    for (const d of drafts) await applyTransition(tx, d.key, 'schedule', { ...ctx, details: { via: 'plan.start' } });
    await tx.plans.update(planId, { status: 'active', updatedAtMs: ctx.nowMs });
    await recordAudit(tx, { actor: ctx.actor, action: 'plan.start', entityType: 'plan', entityId: planId, atMs: ctx.nowMs, details: { scheduled: drafts.map((d) => d.key) } });
    return drafts.map((d) => d.key);
  });
  keys.forEach(notifyExperimentChanged);
  return keys;
}

/** Replaces the plan's calendar feed token (the old feed URL stops working). */
export async function rotateCalendarToken(data: Data, planId: number, ctx: Ctx): Promise<string> {
  return data.transaction(async (tx) => {
    await getPlan(tx, planId);
    const token = newCalendarToken();
    await tx.plans.update(planId, { calendarToken: token, updatedAtMs: ctx.nowMs });
    await recordAudit(tx, { actor: ctx.actor, action: 'plan.calendar-token', entityType: 'plan', entityId: planId, atMs: ctx.nowMs });
    return token;
  });
}

/** The plan's feed token, created on first use for plans that predate tokens (e.g. the seed). */
export async function calendarTokenOf(data: Data, planId: number): Promise<string> {
  const plan = await getPlan(data, planId);
  if (plan.calendarToken) return plan.calendarToken;
  return data.transaction(async (tx) => {
    // Read again inside the transaction: another request may have created it meanwhile.
    const current = await getPlan(tx, planId);
    if (current.calendarToken) return current.calendarToken;
    const token = newCalendarToken();
    await tx.plans.update(planId, { calendarToken: token });
    return token;
  });
}
