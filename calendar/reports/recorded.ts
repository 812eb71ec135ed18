import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { decisions } from '../../db/schema.ts';
import type { RecordedDecision } from './types.ts';

export const decisionColumns = {
  id: decisions.id, computedDecision: decisions.computedDecision, finalDecision: decisions.finalDecision,
  winningVariantKey: decisions.winningVariantKey, rationale: decisions.rationale, decidedBy: decisions.decidedBy,
  decidedAtMs: decisions.decidedAtMs
};

/** The most recent reviewer decision of an experiment (by id), or null. */
export function latestRecordedDecision(db: Db, experimentId: number): RecordedDecision | null {
  return db.select(decisionColumns).from(decisions).where(eq(decisions.experimentId, experimentId))
    .orderBy(desc(decisions.id)).limit(1).get() ?? null;
}

