import { eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experiments, type ExperimentStatus } from '../../db/schema.ts';
import { recordAudit } from '../audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

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

export type TransitionContext = { actor: string; nowMs: number; details?: Record<string, unknown> };

/**
 * Moves an experiment through the lifecycle, stamping the times and writing the audit log,
 * in one transaction. Throws NotFoundError, or ConflictError when the move is not allowed.
 * @example transition(db, 'w01-onboarding-ebook-reminder', 'start', { actor: 'ana', nowMs: Date.now() })
 */
export function transition(db: Db, key: string, action: LifecycleAction, ctx: TransitionContext) {
  const rule = transitions[action];
  return db.transaction((tx) => {
    const row = tx.select().from(experiments).where(eq(experiments.key, key)).get();
    if (!row) throw new NotFoundError('experiment', key);
    if (!(rule.from as readonly string[]).includes(row.status)) {
      throw new ConflictError(`cannot ${action} experiment '${key}' while it is ${row.status} (allowed from: ${rule.from.join(', ')})`);
    }
    const stamps: Partial<typeof experiments.$inferInsert> = { status: rule.to, updatedAtMs: ctx.nowMs };
    if (action === 'start') { stamps.startedAtMs = row.startedAtMs ?? ctx.nowMs; stamps.stoppedAtMs = null; }
    if (action === 'stop') stamps.stoppedAtMs = ctx.nowMs;
    if (action === 'conclude') stamps.concludedAtMs = ctx.nowMs;
    const updated = tx.update(experiments).set(stamps).where(eq(experiments.id, row.id)).returning().get();
    recordAudit(tx, {
      actor: ctx.actor, action: `experiment.${action}`, entityType: 'experiment', entityId: key,
      atMs: ctx.nowMs, details: { from: row.status, to: rule.to, ...ctx.details }
    });
    return updated;
  }, { behavior: 'immediate' });
}
