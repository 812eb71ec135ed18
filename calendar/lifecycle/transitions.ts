import type { Data, ExperimentPatch } from '../../db/store/index.ts';
import type { Experiment, ExperimentStatus } from '../model.ts';
import { recordAudit } from '../audit.ts';
import { addDaysIso, isoDay } from '../dates.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { notifyExperimentChanged } from './change-hooks.ts';
import { registrationForStart } from './registration.ts';
import type { CommandContext } from '../audit.ts';

/**
 * The experiment lifecycle: draft → scheduled → running → stopped → concluded → promoted.
 * Each action lists the statuses it may start from.
 */
export const transitions = {
  schedule: { from: ['draft'], to: 'scheduled' },
  unschedule: { from: ['scheduled'], to: 'draft' },
  start: { from: ['draft', 'scheduled', 'stopped'], to: 'running' },
  stop: { from: ['running'], to: 'stopped' },
  conclude: { from: ['stopped'], to: 'concluded' },
  promote: { from: ['concluded'], to: 'promoted' }
} as const satisfies Record<string, { from: readonly ExperimentStatus[]; to: ExperimentStatus }>;

export type LifecycleAction = keyof typeof transitions;

export type TransitionContext = CommandContext & { details?: Record<string, unknown> };

type ExperimentRow = Experiment;

/** What a start changes besides the status: the run begins today unless it began earlier. */
function startStamps(row: ExperimentRow, today: string, key: string): ExperimentPatch {
  if (row.status === 'stopped' && row.startDate && addDaysIso(row.startDate, row.durationDays - 1) < today) {
    throw new ConflictError(`experiment '${key}' already ran its ${row.durationDays} days; extend its duration before starting it again`);
  }
  const stamps: ExperimentPatch = { stoppedAtMs: null };
  const moved = startDateChange(row, today);
  if (moved) stamps.startDate = moved.to;
  return stamps;
}

/**
 * How a start today would move the planned dates, or null when it keeps them; the UI says so
 * before the start and in its confirmation, so a start never moves dates silently.
 * A manual start before the planned date (or without one) moves the run to today, so the
 * scheduler stops it after its duration counted from the real start. So does a first start of
 * a draft or scheduled experiment whose whole window has passed (as the scheduler does).
 * @example startDateChange({ status: 'scheduled', startDate: '2026-12-14', durationDays: 14 }, '2026-12-02') // { from: '2026-12-14', to: '2026-12-02', endDate: '2026-12-15' }
 */
export function startDateChange(
  row: Pick<ExperimentRow, 'status' | 'startDate' | 'durationDays'>, today: string
): { from: string | null; to: string; endDate: string } | null {
  const windowPassed = !!row.startDate && addDaysIso(row.startDate, row.durationDays - 1) < today;
  if (!row.startDate || row.startDate > today || (row.status !== 'stopped' && windowPassed)) {
    return { from: row.startDate, to: today, endDate: addDaysIso(today, row.durationDays - 1) };
  }
  return null;
}

/**
 * Applies one lifecycle move inside an open transaction: checks the rule, stamps the times,
 * writes the audit log. Used by `transition` and by commands that do more in the same transaction.
 */
export async function applyTransition(tx: Data, key: string, action: LifecycleAction, ctx: TransitionContext): Promise<ExperimentRow> {
  const rule = transitions[action];
  const row = await tx.experiments.byKey(key);
  if (!row) throw new NotFoundError('experiment', key);
  if (!(rule.from as readonly string[]).includes(row.status)) {
    throw new ConflictError(`cannot ${action} experiment '${key}' while it is ${row.status} (allowed from: ${rule.from.join(', ')})`);
  }
  const today = isoDay(ctx.nowMs);
  let stamps: ExperimentPatch = { status: rule.to, updatedAtMs: ctx.nowMs };
  if (action === 'schedule' && !row.startDate) {
    throw new ConflictError(`cannot schedule experiment '${key}' without a start date; put it in a week first`);
  }
  if (action === 'start') {
    // The first start freezes the pre-registration (or refuses when there is none to freeze).
    const registration = await registrationForStart(tx, row, ctx.nowMs);
    stamps = { ...stamps, ...startStamps(row, today, key), startedAtMs: row.startedAtMs ?? ctx.nowMs, ...(registration ? { registration } : {}) };
  }
  if (action === 'stop') stamps.stoppedAtMs = ctx.nowMs;
  if (action === 'conclude') stamps.concludedAtMs = ctx.nowMs;
  const updated = await tx.experiments.update(row.id, stamps);
  await recordAudit(tx, {
    actor: ctx.actor, action: `experiment.${action}`, entityType: 'experiment', entityId: key,
    atMs: ctx.nowMs,
    details: {
      from: row.status, to: rule.to,
      ...(stamps.startDate && stamps.startDate !== row.startDate ? { startDate: { from: row.startDate, to: stamps.startDate } } : {}),
      ...ctx.details
    }
  });
  return updated;
}

/**
 * Moves an experiment through the lifecycle, stamping the times and writing the audit log,
 * in one transaction. Throws NotFoundError, or ConflictError when the move is not allowed.
 * @example await transition(data, 'w01-onboarding-ebook-reminder', 'start', { actor: 'ana', nowMs: Date.now() })
 */
export async function transition(data: Data, key: string, action: LifecycleAction, ctx: TransitionContext): Promise<ExperimentRow> {
  const updated = await data.transaction((tx) => applyTransition(tx, key, action, ctx));
  notifyExperimentChanged(key);
  return updated;
}
