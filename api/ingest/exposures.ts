import type { AppDeps } from '../deps.ts';
import { configsOf, ingestOf } from '../engine/index.ts';
import { evaluateExperiment } from '../assign/evaluate.ts';
import { exposureStartProblem, timestampProblem } from '../limits/index.ts';
import type { CheckedExposure, PlanExposure } from '../../db/store/index.ts';
import { itemError } from './item-errors.ts';
import { exposureItemSchema, type IngestResult } from './schemas.ts';

/**
 * Records exposures: the first per (experiment, user) is kept with its variant, repeats are
 * counted. An item is rejected (the others kept) when invalid, dated more than the clock
 * tolerance before its experiment's start or ahead of the server (`limits.clockToleranceMinutes`;
 * within it, it is recorded at the start), for an unknown or not running
 * experiment, for a user outside the experiment or forced by QA, or when its `variant` is not
 * the user's assignment (recorded variant if any, else the hash). Targeting is not re-checked:
 * the app asked `/assign` with the attributes before showing the variant.
 * In a plan with a program holdout (issue 16) the exposure is also the user's plan exposure, the
 * first per plan and user kept, as an exposing `/assign` records it: apps that assign with
 * `expose=false` and post what users saw feed the program impact report too. A held-out user's
 * exposure to the control (what `/assign` answered, reason `holdout`) is recorded as the plan's
 * holdout exposure only (accepted, or a duplicate when the plan has it already); another variant
 * for a held-out user is refused.
 * Resolves after the commit.
 */
export async function recordExposures(deps: AppDeps, items: unknown[]): Promise<IngestResult> {
  const nowMs = deps.now();
  const rejected: IngestResult['rejected'] = [];
  const checked: CheckedExposure[] = [];
  /** Held-out users' plan exposures (written beside the batch), and by item index those in the experiment (written once accepted). */
  const heldOut: PlanExposure[] = [];
  const inPlan = new Map<number, PlanExposure>();
  const cache = await configsOf(deps);
  items.forEach((item, index) => {
    const parsed = exposureItemSchema.safeParse(item);
    if (!parsed.success) return void rejected.push({ index, error: itemError(parsed.error) });
    const { experiment, userId, variant, timestamp, attributes } = parsed.data;
    const sentAtMs = timestamp ?? nowMs;
    const problem = timestampProblem(sentAtMs, nowMs);
    if (problem) return void rejected.push({ index, error: `timestamp: ${problem}` });
    const config = cache.get(experiment);
    if (!config) return void rejected.push({ index, error: `experiment '${experiment}' was not found` });
    if (config.status !== 'running') {
      return void rejected.push({ index, error: `experiment '${experiment}' is ${config.status}; only running experiments record exposures` });
    }
    const startedAtMs = config.startedAtMs ?? null;
    const early = exposureStartProblem(sentAtMs, startedAtMs, experiment);
    if (early) return void rejected.push({ index, error: `timestamp: ${early}` });
    // Within the tolerance before the start: recorded at the start, so no event before it counts.
    const atMs = startedAtMs === null ? sentAtMs : Math.max(sentAtMs, startedAtMs);
    // The hash assignment is pure; whether a variant is already recorded is decided in the transaction.
    const assignment = evaluateExperiment(config, userId, {}, { ignoreTargeting: true });
    if (assignment.reason === 'holdout') {
      if (variant !== undefined && variant !== assignment.variant) {
        return void rejected.push({ index, error: `user '${userId}' is in the program holdout of experiment '${experiment}''s plan and was served '${assignment.variant}', not '${variant}'` });
      }
      return void heldOut.push({ planId: config.holdout!.planId, userId, holdout: true, atMs });
    }
    const notAssigned = assignment.reason === 'forced'
      ? `user '${userId}' is forced to a variant for QA; forced users are not recorded`
      : !assignment.inExperiment ? `user '${userId}' is not in experiment '${experiment}' (${assignment.reason})` : undefined;
    if (config.holdout && notAssigned === undefined) inPlan.set(index, { planId: config.holdout.planId, userId, holdout: false, atMs });
    checked.push({
      index, experimentId: config.id, userId, claimedVariant: variant, atMs,
      attributesJson: JSON.stringify(attributes ?? {}),
      ...(notAssigned === undefined ? { hashVariant: assignment.variant! } : { notAssigned })
    });
  });
  // Items of one batch are recorded in order in one transaction, so they see each other.
  const ingest = ingestOf(deps);
  const heldWrite = heldOut.length > 0 ? ingest.planExposures(heldOut) : Promise.resolve(0);
  heldWrite.catch(() => undefined); // awaited below; kept from being unhandled while the exposures are written
  const outcome = checked.length === 0 ? { accepted: 0, duplicates: 0, rejected: [] }
    : await ingest.exposures(checked);
  // In the experiment and not refused in the transaction: outside the plan's holdout.
  const refused = new Set(outcome.rejected.map((r) => r.index));
  const accepted = [...inPlan].filter(([index]) => !refused.has(index)).map(([, exposure]) => exposure);
  if (accepted.length > 0) await ingest.planExposures(accepted);
  const heldAdded = await heldWrite;
  return {
    accepted: outcome.accepted + heldAdded, duplicates: outcome.duplicates + heldOut.length - heldAdded,
    rejected: [...rejected, ...outcome.rejected].sort((a, b) => a.index - b.index)
  };
}
