import type { ExperimentStatus, TargetingCondition } from '../../db/schema.ts';
import { chooseVariation, getBucketRanges, hash, inNamespace, type BucketRange, type NamespaceRange } from './hash.ts';
import { targetingHolds, type Attributes } from './targeting.ts';

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
};

export const assignmentReasons = [
  'split', 'sticky', 'forced', 'rollout', 'not_started', 'stopped', 'concluded',
  'targeting', 'layer', 'coverage', 'single_variant', 'missing_user_id', 'not_found'
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
  variants: Array<{ key: string; weight: number; isControl: boolean }>;
}): ExperimentConfig {
  const control = row.variants.find((v) => v.isControl) ?? row.variants[0];
  return {
    id: row.id, key: row.key, status: row.status, seed: row.seed || row.key, hashVersion: row.hashVersion,
    coverage: row.coverage, variantKeys: row.variants.map((v) => v.key),
    ranges: getBucketRanges(row.variants.length, row.coverage, row.variants.map((v) => v.weight)),
    controlKey: control?.key ?? '',
    namespace: row.layerKey === null ? null : [row.layerKey, row.layerStart ?? 0, row.layerEnd ?? 1],
    targeting: row.targeting, forcedVariants: row.forcedVariants, rolloutVariantKey: row.rolloutVariantKey
  };
}

/**
 * Assigns one user, GrowthBook's order of checks, without stickiness (which needs the
 * exposures table, see `assign.ts`):
 * 1. rolled-out winner of a concluded experiment; 2. QA forced variant; 3. status must be
 * running; 4. at least two variants; 5. targeting; 6. layer slice; 7. hash and bucket ranges.
 * @example evaluateExperiment(config, 'user-1', { country: 'TR' }).variant // 'treatment'
 */
export function evaluateExperiment(
  config: ExperimentConfig, userId: string, attributes: Attributes,
  options: { ignoreTargeting?: boolean } = {}
): Assignment {
  const out = (reason: AssignmentReason, variant: string | null = config.controlKey, bucket: number | null = null): Assignment =>
    ({ variant, inExperiment: reason === 'split' || reason === 'forced', reason, bucket });
  if (config.status === 'concluded' || config.status === 'promoted') {
    return config.rolloutVariantKey ? out('rollout', config.rolloutVariantKey) : out('concluded');
  }
  if (!userId) return out('missing_user_id');
  const forced = config.forcedVariants[userId];
  if (forced !== undefined && config.variantKeys.includes(forced) && config.status !== 'stopped') return out('forced', forced);
  if (config.status === 'stopped') return out('stopped');
  if (config.status !== 'running') return out('not_started');
  if (config.variantKeys.length < 2) return out('single_variant');
  if (!options.ignoreTargeting && !targetingHolds(config.targeting, attributes)) return out('targeting');
  if (config.namespace && !inNamespace(userId, config.namespace)) return out('layer');
  const n = hash(config.seed, userId, config.hashVersion);
  if (n === null) return out('coverage');
  const index = chooseVariation(n, config.ranges);
  if (index < 0) return out('coverage', config.controlKey, n);
  return out('split', config.variantKeys[index]!, n);
}
