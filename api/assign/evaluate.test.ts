import { describe, expect, it } from 'vitest';
import type { TargetingCondition } from '../../calendar/model.ts';
import { configFor, evaluateExperiment, type ExperimentConfig } from './evaluate.ts';
import cases from './fixtures/growthbook-cases.json' with { type: 'json' };

type GbContext = {
  attributes?: Record<string, unknown>; forcedVariations?: Record<string, number>;
  enabled?: boolean; url?: string; qaMode?: boolean; features?: unknown; savedGroups?: unknown;
};
type GbExperiment = {
  key: string; variations: unknown[]; weights?: number[]; coverage?: number; seed?: string;
  hashVersion?: number; active?: boolean; force?: number; condition?: Record<string, unknown>;
  namespace?: [string, number, number]; hashAttribute?: string; filters?: unknown; ranges?: unknown;
  parentConditions?: unknown;
};
type RunCase = [string, GbContext, GbExperiment, unknown, boolean, boolean];

/** Why a GrowthBook `run` case does not apply to this API, or null when it does. */
function whyNotApplicable(context: GbContext, experiment: GbExperiment): string | null {
  if (context.url) return 'query-string overrides: our API takes no page URL';
  if (context.qaMode) return 'QA mode: we have per-user forced variants instead';
  if (context.enabled === false) return 'a global "disabled" switch: we use experiment status instead';
  if (experiment.force !== undefined) return 'experiment-wide forced variation: we force per user (QA allow-list)';
  if (experiment.filters || experiment.ranges) return 'explicit filters/ranges: we derive ranges from weights and coverage';
  if (experiment.parentConditions || context.savedGroups) return 'prerequisite flags and saved groups are GrowthBook features';
  if (experiment.condition && Object.values(experiment.condition).some((v) => typeof v === 'object')) {
    return 'Mongo-style operators: our targeting is a list of simple conditions';
  }
  return null;
}

/** Maps a GrowthBook experiment to our cached config; variation i is variant `v{i}`. */
function toConfig(experiment: GbExperiment, context: GbContext, userId: string): ExperimentConfig {
  const targeting: TargetingCondition[] = Object.entries(experiment.condition ?? {})
    .map(([attribute, value]) => ({ attribute, operator: 'eq', value: value as string }));
  const forced = context.forcedVariations?.[experiment.key];
  return configFor({
    id: 1, key: experiment.key, status: experiment.active === false ? 'draft' : 'running',
    seed: experiment.seed ?? null, hashVersion: experiment.hashVersion ?? 1, // GrowthBook's default is v1
    coverage: experiment.coverage ?? 1, targeting,
    forcedVariants: forced === undefined ? {} : { [userId]: `v${forced}` },
    rolloutVariantKey: null, layerKey: experiment.namespace?.[0] ?? null,
    layerStart: experiment.namespace?.[1] ?? null, layerEnd: experiment.namespace?.[2] ?? null,
    variants: experiment.variations.map((_, i) => ({
      key: `v${i}`, weight: experiment.weights?.[i] ?? 1 / experiment.variations.length, isControl: i === 0
    }))
  });
}

describe('GrowthBook cases: run', () => {
  for (const [name, context, experiment, value, inExperiment, hashUsed] of cases.run as RunCase[]) {
    const reason = whyNotApplicable(context, experiment);
    if (reason) {
      it.skip(`${name} (not applicable: ${reason})`, () => {});
      continue;
    }
    it(name, () => {
      const attributes = (context.attributes ?? {}) as Record<string, string>;
      const userId = String(attributes[experiment.hashAttribute ?? 'id'] ?? '');
      const config = toConfig(experiment, context, userId);
      const result = evaluateExperiment(config, userId, attributes);
      const index = result.variant === null ? 0 : Number(result.variant.slice(1));
      expect(experiment.variations[index]).toEqual(value);
      expect(result.inExperiment).toBe(inExperiment);
      expect(result.bucket !== null && result.reason === 'split').toBe(hashUsed);
    });
  }
});

const base = (over: Partial<Parameters<typeof configFor>[0]> = {}) => configFor({
  id: 1, key: 'exp', status: 'running', seed: null, hashVersion: 2, coverage: 1, targeting: [],
  forcedVariants: { qa: 'treatment' }, rolloutVariantKey: null, layerKey: null, layerStart: null, layerEnd: null,
  variants: [{ key: 'control', weight: 0.5, isControl: true }, { key: 'treatment', weight: 0.5, isControl: false }],
  ...over
});

describe('our rules', () => {
  it.each([
    ['draft is not started', base({ status: 'draft' }), 'u1', {}, { variant: 'control', inExperiment: false, reason: 'not_started' }],
    ['scheduled is not started', base({ status: 'scheduled' }), 'u1', {}, { inExperiment: false, reason: 'not_started' }],
    ['stopped', base({ status: 'stopped' }), 'u1', {}, { variant: 'control', inExperiment: false, reason: 'stopped' }],
    ['concluded without winner', base({ status: 'concluded' }), 'u1', {}, { variant: 'control', reason: 'concluded' }],
    ['rolled-out winner for everyone', base({ status: 'concluded', rolloutVariantKey: 'treatment' }), 'anyone', {},
      { variant: 'treatment', inExperiment: false, reason: 'rollout' }],
    ['promoted winner', base({ status: 'promoted', rolloutVariantKey: 'treatment' }), 'qa', {}, { variant: 'treatment', reason: 'rollout' }],
    ['forced QA user while running', base(), 'qa', {}, { variant: 'treatment', inExperiment: true, reason: 'forced', bucket: null }],
    ['forced QA user before the start', base({ status: 'draft' }), 'qa', {}, { variant: 'treatment', reason: 'forced' }],
    ['forced QA user after the stop', base({ status: 'stopped' }), 'qa', {}, { variant: 'control', reason: 'stopped' }],
    ['empty user id', base(), '', {}, { inExperiment: false, reason: 'missing_user_id' }],
    ['targeting passes', base({ targeting: [{ attribute: 'segment', operator: 'in', value: ['new', 'returning'] }] }),
      'u1', { segment: 'new' }, { inExperiment: true, reason: 'split' }],
    ['targeting fails', base({ targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }] }),
      'u1', { country: 'DE' }, { variant: 'control', inExperiment: false, reason: 'targeting' }],
    ['targeting on a missing attribute', base({ targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }] }),
      'u1', {}, { reason: 'targeting' }],
    ['zero coverage', base({ coverage: 0 }), 'u1', {}, { variant: 'control', inExperiment: false, reason: 'coverage' }],
    ['outside the layer slice', base({ layerKey: 'email', layerStart: 0, layerEnd: 0 }), 'u1', {}, { reason: 'layer' }]
  ] as const)('%s', (_name, config, userId, attributes, expected) => {
    expect(evaluateExperiment(config, userId, attributes)).toMatchObject(expected);
  });

  it('splits about evenly and deterministically', () => {
    const config = base();
    const counts = { control: 0, treatment: 0 };
    for (let i = 0; i < 10_000; i++) {
      const a = evaluateExperiment(config, `user-${i}`, {});
      counts[a.variant as 'control' | 'treatment']++;
      expect(evaluateExperiment(config, `user-${i}`, {})).toEqual(a);
    }
    expect(Math.abs(counts.control - 5000)).toBeLessThan(250); // > 5 standard deviations
  });

  it('disjoint slices of one layer never share a user', () => {
    const left = base({ key: 'a', layerKey: 'email', layerStart: 0, layerEnd: 0.5 });
    const right = base({ key: 'b', layerKey: 'email', layerStart: 0.5, layerEnd: 1 });
    let inLeft = 0;
    for (let i = 0; i < 5000; i++) {
      const a = evaluateExperiment(left, `u${i}`, {}).inExperiment;
      const b = evaluateExperiment(right, `u${i}`, {}).inExperiment;
      expect(a && b).toBe(false);
      expect(a || b).toBe(true);
      if (a) inLeft++;
    }
    expect(inLeft).toBeGreaterThan(2000);
  });
});
