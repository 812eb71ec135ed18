import type { Stores } from '../db/store/index.ts';

/** Who acts, as the audit log records it: `key:<name>`, `ui:planner`, `web:<reviewer>`, `system:scheduler`. */
export type Actor = string;

/** What every command of the domain is given: who acts and the server's time (one type for all). */
export type CommandContext = { actor: Actor; nowMs: number };

export type AuditEntry = {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string | number;
  details?: Record<string, unknown>;
  atMs?: number;
};

/**
 * Appends one line to the audit log: who did what to which entity, when. Call it with the
 * transaction's stores so the line commits (or rolls back) with the change it describes.
 * @example await recordAudit(tx, { actor: ctx.actor, action: 'plan.create', entityType: 'plan', entityId: plan.id, atMs: ctx.nowMs });
 */
export async function recordAudit(data: Pick<Stores, 'audit'>, entry: AuditEntry): Promise<void> {
  await data.audit.append({
    actor: entry.actor, action: entry.action, entityType: entry.entityType,
    entityId: String(entry.entityId), details: entry.details ?? {},
    ...(entry.atMs === undefined ? {} : { atMs: entry.atMs })
  });
}
