import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experiments, plans } from '../../db/schema.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { applyTransition } from '../lifecycle/transitions.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';
import { parseInput } from '../planning/parse.ts';
import { planInput, planPatch, type PlanInput, type PlanPatch } from './input.ts';

type Ctx = CommandContext;
export type PlanRow = typeof plans.$inferSelect;

/** A fresh secret for a plan's iCalendar feed URL (192 random bits, URL-safe). */
export function newCalendarToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Creates a plan (status `draft` until started) with its calendar feed token.
 * @example createPlan(db, { name: 'Q1 retention', startDate: '2027-01-04', weeks: 12, dailyTraffic: { email: 1200 } }, { actor: 'ana', nowMs })
 */
export function createPlan(db: Db, raw: PlanInput, ctx: Ctx, options: { status?: PlanRow['status'] } = {}): PlanRow {
  const input = parseInput(planInput, raw);
  return db.transaction((tx) => {
    const plan = tx.insert(plans).values({
      ...input, status: options.status ?? 'draft', calendarToken: newCalendarToken(), createdAtMs: ctx.nowMs, updatedAtMs: ctx.nowMs
    }).returning().get();
    recordAudit(tx, { actor: ctx.actor, action: 'plan.create', entityType: 'plan', entityId: plan.id, atMs: ctx.nowMs, details: { name: plan.name, startDate: plan.startDate } });
    return plan;
  }, { behavior: 'immediate' });
}

/** The plan row; throws NotFoundError. */
export function getPlan(db: Pick<Db, 'select'>, planId: number): PlanRow {
  const plan = db.select().from(plans).where(eq(plans.id, planId)).get();
  if (!plan) throw new NotFoundError('plan', planId);
  return plan;
}

/** Changes a plan's name, owner, goal, traffic, notes or status (logged with the old values). */
export function updatePlan(db: Db, planId: number, raw: PlanPatch, ctx: Ctx): PlanRow {
  const patch = parseInput(planPatch, raw);
  return db.transaction((tx) => {
    const before = getPlan(tx, planId);
    const after = tx.update(plans).set({ ...patch, updatedAtMs: ctx.nowMs }).where(eq(plans.id, planId)).returning().get();
    const changed = Object.fromEntries(Object.keys(patch).map((k) => [k, { from: before[k as keyof PlanRow], to: after[k as keyof PlanRow] }]));
    recordAudit(tx, { actor: ctx.actor, action: 'plan.update', entityType: 'plan', entityId: planId, atMs: ctx.nowMs, details: changed });
    return after;
  }, { behavior: 'immediate' });
}

/** Deletes a plan that has no experiments beyond drafts (the drafts go with it). */
export function deletePlan(db: Db, planId: number, ctx: Ctx): void {
  db.transaction((tx) => {
    getPlan(tx, planId);
    const busy = tx.select({ key: experiments.key, status: experiments.status }).from(experiments)
      .where(and(eq(experiments.planId, planId), inArray(experiments.status, ['scheduled', 'running', 'stopped', 'concluded', 'promoted']))).all();
    if (busy.length) throw new ConflictError(`plan ${planId} has ${busy.length} experiment(s) past draft (e.g. '${busy[0]!.key}' is ${busy[0]!.status}); archive it instead`);
    tx.delete(experiments).where(eq(experiments.planId, planId)).run();
    tx.delete(plans).where(eq(plans.id, planId)).run();
    recordAudit(tx, { actor: ctx.actor, action: 'plan.delete', entityType: 'plan', entityId: planId, atMs: ctx.nowMs });
  }, { behavior: 'immediate' });
}

/**
 * Starts a plan: it becomes active and every draft experiment with a start date is scheduled,
 * so the scheduler starts each on its date. Returns the keys scheduled.
 * @example startPlan(db, 2, { actor: 'ana', nowMs }) // ['w01-...', 'w03-...']
 */
export function startPlan(db: Db, planId: number, ctx: Ctx): string[] {
  const keys = db.transaction((tx) => {
    const plan = getPlan(tx, planId);
    if (plan.status === 'archived') throw new ConflictError(`plan ${planId} is archived`);
    const drafts = tx.select({ key: experiments.key }).from(experiments)
      .where(and(eq(experiments.planId, planId), eq(experiments.status, 'draft'), isNotNull(experiments.startDate))).all();
    for (const d of drafts) applyTransition(tx, d.key, 'schedule', { ...ctx, details: { via: 'plan.start' } });
    tx.update(plans).set({ status: 'active', updatedAtMs: ctx.nowMs }).where(eq(plans.id, planId)).run();
    recordAudit(tx, { actor: ctx.actor, action: 'plan.start', entityType: 'plan', entityId: planId, atMs: ctx.nowMs, details: { scheduled: drafts.map((d) => d.key) } });
    return drafts.map((d) => d.key);
  }, { behavior: 'immediate' });
  keys.forEach(notifyExperimentChanged);
  return keys;
}

/** Replaces the plan's calendar feed token (the old feed URL stops working). */
export function rotateCalendarToken(db: Db, planId: number, ctx: Ctx): string {
  getPlan(db, planId);
  const token = newCalendarToken();
  db.update(plans).set({ calendarToken: token, updatedAtMs: ctx.nowMs }).where(eq(plans.id, planId)).run();
  recordAudit(db, { actor: ctx.actor, action: 'plan.calendar-token', entityType: 'plan', entityId: planId, atMs: ctx.nowMs });
  return token;
}

/** The plan's feed token, created on first use for plans that predate tokens (e.g. the seed). */
export function calendarTokenOf(db: Db, planId: number): string {
  const plan = getPlan(db, planId);
  if (plan.calendarToken) return plan.calendarToken;
  const token = newCalendarToken();
  db.update(plans).set({ calendarToken: token }).where(eq(plans.id, planId)).run();
  return token;
}
