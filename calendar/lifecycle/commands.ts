import type { Data } from '../../db/store/index.ts';
import type { Experiment } from '../model.ts';
import { recordAudit } from '../audit.ts';
import { isoDateInput, weekStartIso } from '../dates.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { notifyExperimentChanged } from './change-hooks.ts';
import { applyTransition, type TransitionContext } from './transitions.ts';

type ExperimentRow = Experiment;

async function load(tx: Data, key: string): Promise<ExperimentRow> {
  const row = await tx.experiments.byKey(key);
  if (!row) throw new NotFoundError('experiment', key);
  return row;
}

/**
 * Adds `extraDays` to the planned duration of an experiment that has not ended yet.
 * A stopped experiment can be extended too (then started again by hand).
 * @example await extendDuration(data, 'w02-email-subject-line', 7, { actor: 'ana', nowMs })
 */
export async function extendDuration(data: Data, key: string, extraDays: number, ctx: TransitionContext): Promise<ExperimentRow> {
  if (!Number.isInteger(extraDays) || extraDays < 1 || extraDays > 90) {
    throw new InvalidInputError(`extraDays must be a whole number of days from 1 to 90, got ${extraDays}`);
  }
  const updated = await data.transaction(async (tx) => {
    const row = await load(tx, key);
    if (!['draft', 'scheduled', 'running', 'stopped'].includes(row.status)) {
      throw new ConflictError(`cannot extend experiment '${key}' while it is ${row.status}`);
    }
    const durationDays = row.durationDays + extraDays;
    if (durationDays > 180) throw new InvalidInputError(`a run of ${durationDays} days is too long (at most 180)`);
    const result = await tx.experiments.update(row.id, { durationDays, updatedAtMs: ctx.nowMs });
    await recordAudit(tx, {
      actor: ctx.actor, action: 'experiment.extend', entityType: 'experiment', entityId: key, atMs: ctx.nowMs,
      details: { durationDays: { from: row.durationDays, to: durationDays }, status: row.status, ...ctx.details }
    });
    return result;
  });
  notifyExperimentChanged(key);
  return updated;
}

/**
 * Moves a draft or scheduled experiment to another week of its plan (its start date becomes
 * that week's first day) or to an explicit start date.
 * @example await reschedule(data, 'w03-landing-testimonials', { week: 5 }, { actor: 'ana', nowMs })
 */
export async function reschedule(
  data: Data, key: string, target: { week?: number; startDate?: string }, ctx: TransitionContext
): Promise<ExperimentRow> {
  const updated = await data.transaction(async (tx) => {
    const row = await load(tx, key);
    if (row.status !== 'draft' && row.status !== 'scheduled') {
      throw new ConflictError(`cannot move experiment '${key}' while it is ${row.status}; only drafts and scheduled experiments move`);
    }
    let { week, startDate } = { week: target.week ?? row.week, startDate: target.startDate ?? null };
    if (target.week !== undefined) {
      if (row.planId === null) throw new ConflictError(`experiment '${key}' belongs to no plan, so it has no weeks`);
      const plan = (await tx.plans.byId(row.planId))!;
      if (!Number.isInteger(target.week) || target.week < 1 || target.week > plan.weeks) {
        throw new InvalidInputError(`week must be between 1 and ${plan.weeks}, got ${target.week}`);
      }
      startDate = target.startDate ?? weekStartIso(plan.startDate, target.week);
    }
    if (!startDate) throw new InvalidInputError('give a week or a start date');
    const checked = isoDateInput.safeParse(startDate);
    if (!checked.success) throw new InvalidInputError(`startDate '${startDate}': ${checked.error.issues[0]?.message}`);
    const result = await tx.experiments.update(row.id, { week, startDate, updatedAtMs: ctx.nowMs });
    await recordAudit(tx, {
      actor: ctx.actor, action: 'experiment.reschedule', entityType: 'experiment', entityId: key, atMs: ctx.nowMs,
      details: { week: { from: row.week, to: week }, startDate: { from: row.startDate, to: startDate }, ...ctx.details }
    });
    return result;
  });
  notifyExperimentChanged(key);
  return updated;
}

/**
 * Concludes an experiment: a running one is stopped first (both moves are logged).
 * @example await concludeExperiment(data, 'w01-onboarding-ebook-reminder', { actor: 'rita', nowMs })
 */
export async function concludeExperiment(data: Data, key: string, ctx: TransitionContext): Promise<ExperimentRow> {
  const updated = await data.transaction(async (tx) => {
    if ((await load(tx, key)).status === 'running') await applyTransition(tx, key, 'stop', ctx);
    return applyTransition(tx, key, 'conclude', ctx);
  });
  notifyExperimentChanged(key);
  return updated;
}
