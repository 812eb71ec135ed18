import { auditLog } from '../db/schema.ts';
import type { Db } from '../db/connection.ts';

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

/** Appends one line to the audit log: who did what to which entity, when. */
export function recordAudit(db: Pick<Db, 'insert'>, entry: AuditEntry): void {
  db.insert(auditLog).values({
    actor: entry.actor, action: entry.action, entityType: entry.entityType,
    entityId: String(entry.entityId), details: entry.details ?? {},
    ...(entry.atMs === undefined ? {} : { atMs: entry.atMs })
  }).run();
}
