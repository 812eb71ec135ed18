import type { ExperimentStatus, TargetingCondition } from '../../calendar/model.ts';
import { chooseVariation, getBucketRanges, hash, inNamespace, type BucketRange, type NamespaceRange } from './hash.ts';
import { targetingHolds, type Attributes } from './targeting.ts';
import { inHoldout, type ProgramHoldout } from './holdout.ts';

/** What the assignment needs to know about one experiment, prepared once and cached. */
export type ExperimentConfig = {
  id: number;
  key: string;
  status: ExperimentStatus;
  seed: string;
  hashVersion: number;
  coverage: number;
  /** Variant keys in position order; `ranges[i]` belongs to `variantKeys[i]`. */
  variantKeys: string[];
  ranges: BucketRange[];
  controlKey: string;
  namespace: NamespaceRange | null;
  targeting: TargetingCondition[];
  forcedVariants: Record<string, string>;
  rolloutVariantKey: string | null;
  /** When the experiment first started (epoch ms); ingestion rejects exposures from before it. */
  startedAtMs?: number | null;
  /** The program holdout of the experiment's plan (api/assign/holdout.ts), or null when it has none. */
  holdout?: (ProgramHoldout & { planId: number }) | null;
};

export const assignmentReasons = [
  'split', 'sticky', 'forced', 'rollout', 'not_started', 'stopped', 'concluded',
  'targeting', 'layer', 'coverage', 'holdout', 'single_variant', 'missing_user_id', 'not_found'
] as const;
export type AssignmentReason = (typeof assignmentReasons)[number];

/**
 * One user's assignment. When `inExperiment` is false the user should see `variant`
 * (the control, or the rolled-out winner) and is not counted in the analysis.
 */
export type Assignment = {
  variant: string | null;
  inExperiment: boolean;
  reason: AssignmentReason;
  /** The user's hash in [0, 1) when it was computed, else null. */
  bucket: number | null;
};

/**
 * Builds the cached form of an experiment: ranges from normalised weights and coverage.
 * @example configFor({ id: 1, key: 'k', ... , variants: [{ key: 'control', weight: 1, isControl: true }] })
 */
export function configFor(row: {
  id: number; key: string; status: ExperimentStatus; seed: string | null; hashVersion: number;
  coverage: number; targeting: TargetingCondition[]; forcedVariants: Record<string, string>;
  rolloutVariantKey: string | null; layerKey: string | null; layerStart: number | null; layerEnd: number | null;
  variants: Array<{ key: string; weight: number; isControl: boolean }>; startedAtMs?: number | null;
  planId?: number | null; holdoutShare?: number; holdoutSeed?: string | null;
}): ExperimentConfig {
  const control = row.variants.find((v) => v.isControl) ?? row.variants[0];
  return {
    id: row.id, key: row.key, status: row.status, seed: row.seed || row.key, hashVersion: row.hashVersion,
    coverage: row.coverage, variantKeys: row.variants.map((v) => v.key),
    ranges: getBucketRanges(row.variants.length, row.coverage, row.variants.map((v) => v.weight)),
    controlKey: control?.key ?? '',
    namespace: row.layerKey === null ? null : [row.layerKey, row.layerStart ?? 0, row.layerEnd ?? 1],
    targeting: row.targeting, forcedVariants: row.forcedVariants, rolloutVariantKey: row.rolloutVariantKey,
    startedAtMs: row.startedAtMs,
    holdout: row.planId != null && (row.holdoutShare ?? 0) > 0
      ? { planId: row.planId, share: row.holdoutShare!, seed: row.holdoutSeed ?? `plan-${row.planId}` } : null
  };
}

/**
 * Assigns one user, GrowthBook's order of checks, without stickiness (which needs the
 * exposures table, see `assign.ts`):
 * 1. rolled-out winner of a concluded experiment (the control for the plan's holdout); 2. QA
 * forced variant; 3. status must be running; 4. at least two variants; 5. targeting; 6. layer
 * slice; 7. hash and bucket ranges (coverage); 8. the plan's program holdout: a user who would
 * be in gets the control instead (`holdout`), so the holdout is counted among the same
 * eligible users as the experiment (GrowthBook's filters give the same variant, see api/sdk/payload.ts).
 * @example evaluateExperiment(config, 'user-1', { country: 'TR' }).variant // 'treatment'
 */
export function evaluateExperiment(
  config: ExperimentConfig, userId: string, attributes: Attributes,
  options: { ignoreTargeting?: boolean } = {}
): Assignment {
  if (config.status === 'concluded' || config.status === 'promoted') {
    if (!config.rolloutVariantKey) return outcome('concluded', config.controlKey, null);
    return heldOut(config, userId) ? outcome('holdout', config.controlKey, null) : outcome('rollout', config.rolloutVariantKey, null);
  }
  if (!userId) return outcome('missing_user_id', config.controlKey, null);
  const forced = config.forcedVariants[userId];
  if (forced !== undefined && config.variantKeys.includes(forced) && config.status !== 'stopped') return outcome('forced', forced, null);
  if (config.status === 'stopped') return outcome('stopped', config.controlKey, null);
  if (config.status !== 'running') return outcome('not_started', config.controlKey, null);
  if (config.variantKeys.length < 2) return outcome('single_variant', config.controlKey, null);
  if (!options.ignoreTargeting && !targetingHolds(config.targeting, attributes)) return outcome('targeting', config.controlKey, null);
  if (config.namespace && !inNamespace(userId, config.namespace)) return outcome('layer', config.controlKey, null);
  const n = hash(config.seed, userId, config.hashVersion);
  if (n === null) return outcome('coverage', config.controlKey, null);
  const index = chooseVariation(n, config.ranges);
  if (index < 0) return outcome('coverage', config.controlKey, n);
  if (heldOut(config, userId)) return outcome('holdout', config.controlKey, null);
  return outcome('split', config.variantKeys[index]!, n);
}

/** Whether the user is in the program holdout of the experiment's plan. */
function heldOut(config: ExperimentConfig, userId: string): boolean {
  return !!config.holdout && !!userId && inHoldout(userId, config.holdout);
}

/** An assignment; in the experiment only when split or forced. */
function outcome(reason: AssignmentReason, variant: string | null, bucket: number | null): Assignment {
  return { variant, inExperiment: reason === 'split' || reason === 'forced', reason, bucket };
}
