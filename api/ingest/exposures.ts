import type { AppDeps } from '../deps.ts';
import { configsOf, ingestOf } from '../engine/index.ts';
import { evaluateExperiment } from '../assign/evaluate.ts';
import { exposureStartProblem, timestampProblem } from '../limits/index.ts';
import type { CheckedExposure } from '../../db/store/index.ts';
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
 * Resolves after the commit.
 */
export async function recordExposures(deps: AppDeps, items: unknown[]): Promise<IngestResult> {
  const nowMs = deps.now();
  const rejected: IngestResult['rejected'] = [];
  const checked: CheckedExposure[] = [];
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
    const notAssigned = assignment.reason === 'forced'
      ? `user '${userId}' is forced to a variant for QA; forced users are not recorded`
      : !assignment.inExperiment ? `user '${userId}' is not in experiment '${experiment}' (${assignment.reason})` : undefined;
    checked.push({
      index, experimentId: config.id, userId, claimedVariant: variant, atMs,
      attributesJson: JSON.stringify(attributes ?? {}),
      ...(notAssigned === undefined ? { hashVariant: assignment.variant! } : { notAssigned })
    });
  });
  // Items of one batch are recorded in order in one transaction, so they see each other.
  const outcome = checked.length === 0 ? { accepted: 0, duplicates: 0, rejected: [] }
    : await ingestOf(deps).exposures(checked);
  return {
    accepted: outcome.accepted, duplicates: outcome.duplicates,
    rejected: [...rejected, ...outcome.rejected].sort((a, b) => a.index - b.index)
  };
}
