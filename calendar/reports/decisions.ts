/**
 * Reviewer decisions: the computed decision is stored beside the reviewer's final one in
 * `decisions`, and both go to the audit log. `latestDecision` is what promotion reads.
 */
import type { Data } from '../../db/store/index.ts';
import { recordAudit } from '../audit.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { buildReport } from './build.ts';
import { recordedDecisionOf } from './recorded.ts';
import type { ComputedDecision, DecisionOutcome, RecordedDecision, Report } from './types.ts';

export const decisionOutcomes = ['ship', 'no-ship', 'inconclusive', 'harmful'] as const satisfies readonly DecisionOutcome[];

export type DecisionInput = {
  finalDecision: DecisionOutcome;
  winningVariantKey?: string | null;
  rationale: string;
  decidedBy: string;
  /** Who acts, for the audit log (e.g. `key:ci`); defaults to decidedBy. */
  actor?: string;
  /** Required to record "ship" while a sample ratio mismatch is flagged. */
  acknowledgeSrm?: boolean;
};

/**
 * Every reviewer decision of an experiment, newest first.
 * @example (await decisionHistory(data, 'w01-onboarding-ebook-reminder'))[0]?.finalDecision // 'ship'
 */
export async function decisionHistory(data: Data, key: string): Promise<RecordedDecision[]> {
  const e = await data.experiments.byKey(key);
  if (!e) throw new NotFoundError('experiment', key);
  return (await data.decisions.history(e.id)).map(recordedDecisionOf);
}

/**
 * Records a reviewer's final decision next to the computed one, with the rationale, and
 * writes both to the audit log, in one transaction. A final decision that differs from the
 * computed one needs a rationale; "ship" needs a winning variant of the experiment and, under
 * a sample ratio mismatch, `acknowledgeSrm`. `report` is the experiment's default report at
 * `nowMs` when the caller already has it (from the report thread); else it is built here.
 * @example await recordDecision(data, 'w01-onboarding-ebook-reminder', { finalDecision: 'no-ship', rationale: 'Guardrail too close', decidedBy: 'ana' }, Date.now())
 */
export async function recordDecision(
  data: Data, key: string, input: DecisionInput, nowMs: number, report?: Report
): Promise<{ recorded: RecordedDecision; computed: ComputedDecision }> {
  report ??= await buildReport(data, key, {}, nowMs);
  const computed = report.decision;
  const winner = input.finalDecision === 'ship' ? (input.winningVariantKey ?? computed.winningVariant) : null;
  if (input.finalDecision === 'ship') {
    const treatments = report.variants.filter((v) => !v.isControl).map((v) => v.key);
    if (!winner) throw new InvalidInputError('a "ship" decision needs winningVariantKey (no variant won mechanically)');
    if (!treatments.includes(winner)) throw new InvalidInputError(`winningVariantKey '${winner}' is not a treatment variant of '${key}' (one of: ${treatments.join(', ')})`);
    if (report.health.srm?.mismatch && !input.acknowledgeSrm) {
      throw new ConflictError('a sample ratio mismatch is flagged: explain it in the rationale and send acknowledgeSrm: true to record "ship" anyway');
    }
  }
  const overrides = input.finalDecision !== computed.outcome || (winner !== null && winner !== computed.winningVariant);
  if (overrides && input.rationale.trim().length < 10) {
    throw new InvalidInputError(`the final decision differs from the computed one (${computed.outcome}); write a rationale of at least 10 characters`);
  }
  const recorded = await data.transaction(async (tx) => {
    const experiment = await tx.experiments.byKey(key);
    if (!experiment) throw new NotFoundError('experiment', key);
    const row = recordedDecisionOf(await tx.decisions.insert({
      experimentId: experiment.id, computedDecision: computed.outcome, finalDecision: input.finalDecision, winningVariantKey: winner,
      rationale: input.rationale, decidedBy: input.decidedBy, decidedAtMs: nowMs
    }));
    await recordAudit(tx, {
      actor: input.actor ?? input.decidedBy, action: 'experiment.decision', entityType: 'experiment', entityId: key, atMs: nowMs,
      details: {
        decisionId: row.id, computed: computed.outcome, computedWinner: computed.winningVariant, final: input.finalDecision,
        winner, decidedBy: input.decidedBy, overridden: overrides, rationale: input.rationale, reasons: computed.reasons, primary: computed.primary,
        srmAcknowledged: input.acknowledgeSrm ?? false
      }
    });
    return row;
  });
  return { recorded, computed };
}

export type LatestDecision = {
  experimentKey: string;
  computed: DecisionOutcome;
  computedWinningVariant: string | null;
  /** The reviewer's recorded decision, or null when none was recorded. */
  final: RecordedDecision | null;
  /** The final decision's winner when recorded, else the computed winner. */
  winningVariant: string | null;
  primary: ComputedDecision['primary'];
};

/**
 * What promotion needs: the computed decision, the reviewer's final decision if recorded,
 * the winning variant and the primary metric's effect, CI and (adjusted) p-value. For the
 * winner recorded by a reviewer, `primary` is that variant's result.
 * @example (await latestDecision(data, 'w01-onboarding-ebook-reminder', Date.now())).final?.finalDecision // 'ship'
 */
export async function latestDecision(data: Data, experimentKey: string, nowMs: number = Date.now()): Promise<LatestDecision> {
  const report = await buildReport(data, experimentKey, {}, nowMs);
  const final = report.recorded;
  const winningVariant = final ? final.winningVariantKey : report.decision.winningVariant;
  let primary = report.decision.primary;
  if (winningVariant && primary && primary.variant !== winningVariant) {
    const metric = report.metrics.find((m) => m.key === primary!.metric);
    const c = metric?.comparisons.find((x) => x.variant === winningVariant);
    primary = c ? { metric: primary.metric, variant: winningVariant, relativeLift: c.relative?.estimate ?? null, ciLow: c.relative?.ciLow ?? null, ciHigh: c.relative?.ciHigh ?? null, pValue: c.adjustedPValue } : primary;
  }
  return {
    experimentKey, computed: report.decision.outcome, computedWinningVariant: report.decision.winningVariant,
    final, winningVariant, primary
  };
}
