import type { Data } from '../../db/store/index.ts';

/** One start of an experiment that had been stopped: when, by whom and why (null when no reason was given). */
export type Restart = { atMs: number; actor: string; reason: string | null };

/**
 * The restarts of an experiment after a stop, oldest first, from the audit log (every start path
 * logs `experiment.start` with `from`). A restart invites peeking (stop on a bad day, start on a
 * good one), so the report marks each one.
 * @example (await restartsOf(data, 'w03-shorter-signup-form'))[0] // { atMs: 1796..., actor: 'ui:planner', reason: 'fixed the broken link' }
 */
export async function restartsOf(data: Data, key: string): Promise<Restart[]> {
  const starts = await data.audit.list({ entityType: 'experiment', entityId: key, action: 'experiment.start' });
  return starts.filter((r) => r.details.from === 'stopped')
    .map((r) => ({ atMs: r.atMs, actor: r.actor, reason: typeof r.details.restartReason === 'string' ? r.details.restartReason : null }))
    .sort((a, b) => a.atMs - b.atMs);
}
