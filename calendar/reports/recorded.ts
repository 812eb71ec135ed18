import type { Decision } from '../model.ts';
import type { Data } from '../../db/store/index.ts';
import type { RecordedDecision } from './types.ts';

/** A stored decision as reports and the API show it (without the experiment id). */
export function recordedDecisionOf(d: Decision): RecordedDecision {
  return {
    id: d.id, computedDecision: d.computedDecision, finalDecision: d.finalDecision, winningVariantKey: d.winningVariantKey,
    rationale: d.rationale, decidedBy: d.decidedBy, decidedAtMs: d.decidedAtMs
  };
}

/**
 * The most recent reviewer decision of an experiment (by id), or null.
 * @example (await latestRecordedDecision(data, 7))?.finalDecision // 'ship'
 */
export async function latestRecordedDecision(data: Data, experimentId: number): Promise<RecordedDecision | null> {
  const latest = await data.decisions.latest(experimentId);
  return latest ? recordedDecisionOf(latest) : null;
}
