import type { Experiment, Variant } from '../../calendar/model.ts';
import { configFor, type ExperimentConfig } from '../assign/evaluate.ts';
import { holdoutFilters, type GrowthBookFilter, type ProgramHoldout } from '../assign/holdout.ts';
import { equalByText, targetingCondition, type GrowthBookCondition } from './conditions.ts';

/**
 * The SDK payload in the shape GrowthBook's SDKs read (`FeatureApiResponse`,
 * `FeatureDefinition` and `FeatureRule` in growthbook/growthbook packages/sdk-js/src/types/growthbook.ts).
 * Only the fields we fill are typed here.
 */
export type FeatureRule = {
  id: string;
  condition?: GrowthBookCondition;
  force?: string;
  key?: string;
  variations?: string[];
  weights?: number[];
  coverage?: number;
  hashAttribute?: string;
  hashVersion?: number;
  seed?: string;
  name?: string;
  phase?: string;
  meta?: Array<{ key: string; name: string }>;
  namespace?: [string, number, number];
  filters?: GrowthBookFilter[];
};
export type FeatureDefinition = { defaultValue: string; rules?: FeatureRule[] };
export type FeatureApiResponse = { features: Record<string, FeatureDefinition>; dateUpdated: string };

/** One experiment as the payload needs it: the record, its variants in position order, its layer's key, its plan's holdout. */
export type PayloadSource = { experiment: Experiment; variants: Variant[]; layerKey: string | null; holdout?: ProgramHoldout | null };

/**
 * The feature of one experiment: its key is the experiment key, its value a variant key.
 * The rules follow `evaluateExperiment` (api/assign/evaluate.ts) step by step, so an SDK gets
 * the variant `GET /api/v1/assign` gives a user who has no recorded exposure yet:
 * 1. concluded or promoted: the rolled-out winner for everyone (a force rule), else the control;
 * 2. QA forced variants (not when stopped): force rules on the user id;
 * 3. running with two variants or more: one experiment rule (GrowthBook hash v2 with our seed,
 *    coverage and weights; targeting as its condition; a layer as its namespace).
 * Stopped, draft and scheduled experiments serve the control (`defaultValue`).
 * In a plan with a program holdout, rules 1 and 3 carry `filters` that pass everyone outside
 * the holdout (api/assign/holdout.ts), so held-out users skip them and get the control; with
 * filters GrowthBook skips the namespace check, so a layer slice moves into the filters too.
 * @example featureOf({ experiment, variants, layerKey: null }).defaultValue // 'control'
 */
export function featureOf(source: PayloadSource): FeatureDefinition {
  const { experiment, variants } = source;
  const config = configFor({ ...experiment, layerKey: source.layerKey, variants });
  const holdout = source.holdout && source.holdout.share > 0 ? source.holdout : null;
  const rules: FeatureRule[] = [];
  const concluded = config.status === 'concluded' || config.status === 'promoted';
  if (concluded && config.rolloutVariantKey) {
    rules.push({ id: `${config.key}:rollout`, ...(holdout ? { filters: holdoutFilters(holdout) } : {}), force: config.rolloutVariantKey });
  }
  if (!concluded && config.status !== 'stopped') rules.push(...forcedRules(config));
  if (config.status === 'running' && config.variantKeys.length >= 2) {
    const condition = targetingCondition(config.targeting);
    rules.push({
      id: `${config.key}:experiment`,
      key: config.key,
      ...(condition ? { condition } : {}),
      variations: config.variantKeys,
      weights: variants.map((v) => v.weight),
      coverage: config.coverage,
      hashAttribute: 'id',
      // Always sent: an SDK takes version 1 when the field is absent.
      hashVersion: config.hashVersion,
      seed: config.seed,
      name: experiment.name,
      // One phase: a restart keeps the same assignment (our server is sticky across it too).
      phase: '0',
      meta: variants.map((v) => ({ key: v.key, name: v.name })),
      ...(holdout ? { filters: holdoutFilters(holdout, config.namespace) } : config.namespace ? { namespace: config.namespace } : {})
    });
  }
  return rules.length > 0 ? { defaultValue: config.controlKey, rules } : { defaultValue: config.controlKey };
}

/** One force rule per forced variant, on the users forced to it (ids compared as text, as our server does). */
function forcedRules(config: ExperimentConfig): FeatureRule[] {
  const usersByVariant = new Map<string, string[]>();
  for (const [userId, variant] of Object.entries(config.forcedVariants)) {
    // Our server ignores a stale forced variant, and a user without an id is never forced.
    if (!userId || !config.variantKeys.includes(variant)) continue;
    usersByVariant.set(variant, [...(usersByVariant.get(variant) ?? []), userId]);
  }
  return [...usersByVariant].map(([variant, users]) => ({
    id: `${config.key}:forced:${variant}`,
    condition: { id: { $in: users.flatMap(equalByText) } },
    force: variant
  }));
}

/**
 * The features of every experiment, keyed by experiment key, in key order (so the same
 * experiments always give the same bytes).
 * @example buildFeatures(sources)['w01-onboarding'].defaultValue // 'control'
 */
export function buildFeatures(sources: readonly PayloadSource[]): Record<string, FeatureDefinition> {
  const sorted = [...sources].sort((a, b) => (a.experiment.key < b.experiment.key ? -1 : a.experiment.key > b.experiment.key ? 1 : 0));
  return Object.fromEntries(sorted.map((s) => [s.experiment.key, featureOf(s)]));
}
