import type { AppDeps } from '../deps.ts';
import { configCacheFor } from '../assign/config-cache.ts';
import { evaluateExperiment } from '../assign/evaluate.ts';
import { timestampProblem } from '../limits/index.ts';
import { exposureStoreFor } from './exposure-store.ts';
import { groupCommitFor } from './group-commit.ts';
import { itemError } from './item-errors.ts';
import { exposureItemSchema, type IngestResult } from './schemas.ts';

type Valid = { index: number; experiment: string; userId: string; variant?: string; atMs: number; attributesJson: string };

/**
 * Records exposures: the first per (experiment, user) is kept with its variant, repeats are
 * counted. An item is rejected (the others kept) when invalid, for an unknown or not running
 * experiment, for a user outside the experiment or forced by QA, or when its `variant` is not
 * the user's assignment (recorded variant if any, else the hash). Targeting is not re-checked:
 * the app asked `/assign` with the attributes before showing the variant.
 * Resolves after the commit.
 */
export async function recordExposures(deps: AppDeps, items: unknown[]): Promise<IngestResult> {
  const nowMs = deps.now();
  const rejected: IngestResult['rejected'] = [];
  const valid: Valid[] = [];
  items.forEach((item, index) => {
    const parsed = exposureItemSchema.safeParse(item);
    if (!parsed.success) return void rejected.push({ index, error: itemError(parsed.error) });
    const atMs = parsed.data.timestamp ?? nowMs;
    const problem = timestampProblem(atMs, nowMs);
    if (problem) return void rejected.push({ index, error: `timestamp: ${problem}` });
    valid.push({
      index, experiment: parsed.data.experiment, userId: parsed.data.userId, variant: parsed.data.variant,
      atMs, attributesJson: JSON.stringify(parsed.data.attributes ?? {})
    });
  });
  const client = deps.db.$client;
  const cache = configCacheFor(client);
  const store = exposureStoreFor(client);
  // All checks that read exposures run inside the transaction, so items of one batch see each other.
  const outcome = valid.length === 0 ? { accepted: 0, duplicates: 0, rejected: [] as IngestResult['rejected'] }
    : await groupCommitFor(client).run(() => {
      const result = { accepted: 0, duplicates: 0, rejected: [] as IngestResult['rejected'] };
      for (const item of valid) {
        const reject = (error: string) => void result.rejected.push({ index: item.index, error });
        const config = cache.get(item.experiment);
        if (!config) { reject(`experiment '${item.experiment}' was not found`); continue; }
        if (config.status !== 'running') { reject(`experiment '${item.experiment}' is ${config.status}; only running experiments record exposures`); continue; }
        const recorded = store.recordedVariant(config.id, item.userId);
        let variant = recorded;
        if (variant === undefined) {
          const assignment = evaluateExperiment(config, item.userId, {}, { ignoreTargeting: true });
          if (assignment.reason === 'forced') { reject(`user '${item.userId}' is forced to a variant for QA; forced users are not recorded`); continue; }
          if (!assignment.inExperiment) { reject(`user '${item.userId}' is not in experiment '${item.experiment}' (${assignment.reason})`); continue; }
          variant = assignment.variant!;
        }
        if (item.variant !== undefined && item.variant !== variant) {
          if (recorded !== undefined) store.countConflict(config.id, item.userId);
          reject(`variant '${item.variant}' does not match the user's assignment '${variant}'`);
          continue;
        }
        const stored = store.record(config.id, item.userId, variant, item.atMs, item.attributesJson);
        if (stored.count > 1) result.duplicates++; else result.accepted++;
      }
      return result;
    });
  return {
    accepted: outcome.accepted, duplicates: outcome.duplicates,
    rejected: [...rejected, ...outcome.rejected].sort((a, b) => a.index - b.index)
  };
}
