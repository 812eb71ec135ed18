// The edges of the pure assignment functions: the cached config built from an experiment row,
// the checks of evaluateExperiment in order, weight and coverage fallbacks of the bucket ranges,
// range boundaries, hash versions and the targeting operators at their limits.
import { describe, expect, it } from 'vitest';
import type { TargetingCondition } from '../../calendar/model.ts';
import { configFor, evaluateExperiment } from './evaluate.ts';
import { chooseVariation, getBucketRanges, getEqualWeights, hash, inNamespace, inRange } from './hash.ts';
import { conditionHolds, targetingHolds, type Attributes } from './targeting.ts';
import { inHoldout } from './holdout.ts';

type Row = Parameters<typeof configFor>[0];
const row = (over: Partial<Row> = {}): Row => ({
  id: 7, key: 'exp', status: 'running', seed: null, hashVersion: 2, coverage: 1, targeting: [],
  forcedVariants: {}, rolloutVariantKey: null, layerKey: null, layerStart: null, layerEnd: null,
  variants: [{ key: 'control', weight: 0.5, isControl: true }, { key: 'treatment', weight: 0.5, isControl: false }],
  ...over
});

describe('configFor', () => {
  it('copies the row, seeds by key when no seed is set, and builds the ranges', () => {
    expect(configFor(row({ coverage: 0.5 }))).toEqual({
      id: 7, key: 'exp', status: 'running', seed: 'exp', hashVersion: 2, coverage: 0.5,
      variantKeys: ['control', 'treatment'], ranges: [[0, 0.25], [0.5, 0.75]], controlKey: 'control',
      namespace: null, targeting: [], forcedVariants: {}, rolloutVariantKey: null, holdout: null
    });
  });

  it.each([
    ['an explicit seed', row({ seed: 'salt' }), { seed: 'salt' }],
    ['an empty seed falls back to the key', row({ seed: '' }), { seed: 'exp' }],
    ['the control is the variant marked so', row({ variants: [{ key: 'a', weight: 1, isControl: false }, { key: 'b', weight: 1, isControl: true }] }), { controlKey: 'b' }],
    ['no control marked: the first variant', row({ variants: [{ key: 'a', weight: 1, isControl: false }, { key: 'b', weight: 1, isControl: false }] }), { controlKey: 'a' }],
    ['no variants: no control', row({ variants: [] }), { controlKey: '', variantKeys: [], ranges: [] }],
    ['a layer slice', row({ layerKey: 'email', layerStart: 0.2, layerEnd: 0.6 }), { namespace: ['email', 0.2, 0.6] }],
    ['a plan with a holdout', row({ planId: 3, holdoutShare: 0.05, holdoutSeed: 'spring' }), { holdout: { planId: 3, share: 0.05, seed: 'spring' } }],
    ['a plan without one', row({ planId: 3, holdoutShare: 0, holdoutSeed: 'spring' }), { holdout: null }],
    ['a holdout without a seed of its own is seeded by the plan id', row({ planId: 3, holdoutShare: 0.05, holdoutSeed: null }), { holdout: { planId: 3, share: 0.05, seed: 'plan-3' } }],
    ['no plan: no holdout, whatever the share says', row({ planId: null, holdoutShare: 0.05, holdoutSeed: 'spring' }), { holdout: null }],
    ['a layer without bounds is the whole layer', row({ layerKey: 'email' }), { namespace: ['email', 0, 1] }],
    ['weights off by more than 1% become equal', row({ variants: [{ key: 'a', weight: 3, isControl: true }, { key: 'b', weight: 1, isControl: false }] }), { ranges: [[0, 0.5], [0.5, 1]] }],
    ['an 80/20 split', row({ variants: [{ key: 'a', weight: 0.8, isControl: true }, { key: 'b', weight: 0.2, isControl: false }] }), { ranges: [[0, 0.8], [0.8, 1]] }]
  ])('%s', (_name, input, expected) => {
    expect(configFor(input)).toMatchObject(expected);
  });
});

describe('evaluateExperiment', () => {
  const userInTreatment = (() => {
    const config = configFor(row());
    for (let i = 0; ; i++) if (evaluateExperiment(config, `u${i}`, {}).variant === 'treatment') return `u${i}`;
  })();

  it.each([
    ['one variant only', row({ variants: [{ key: 'solo', weight: 1, isControl: true }] }), 'u1', { variant: 'solo', inExperiment: false, reason: 'single_variant', bucket: null }],
    ['an unknown hash version', row({ hashVersion: 9 }), 'u1', { variant: 'control', inExperiment: false, reason: 'coverage', bucket: null }],
    ['a forced variant that the experiment does not have is ignored', row({ forcedVariants: { [userInTreatment]: 'gone' } }), userInTreatment, { variant: 'treatment', inExperiment: true, reason: 'split' }],
    ['a forced user of a concluded experiment gets the rollout', row({ status: 'concluded', rolloutVariantKey: 'treatment', forcedVariants: { qa: 'control' } }), 'qa', { variant: 'treatment', inExperiment: false, reason: 'rollout', bucket: null }],
    ['a forced user without an id is still missing one', row({ forcedVariants: { '': 'treatment' } }), '', { variant: 'control', reason: 'missing_user_id' }],
    ['a promoted experiment without a rollout shows the control', row({ status: 'promoted' }), 'u1', { variant: 'control', inExperiment: false, reason: 'concluded', bucket: null }],
    ['outside coverage keeps its bucket', row({ coverage: 0.000001 }), 'u1', { variant: 'control', inExperiment: false, reason: 'coverage', bucket: hash('exp', 'u1', 2) }],
    ['inside the layer slice', row({ layerKey: 'email', layerStart: 0, layerEnd: 1 }), userInTreatment, { variant: 'treatment', reason: 'split' }]
  ])('%s', (_name, input, userId, expected) => {
    expect(evaluateExperiment(configFor(input), userId, {})).toMatchObject(expected);
  });

  it('a split reports the hash of the seed and user as its bucket', () => {
    const result = evaluateExperiment(configFor(row({ seed: 'salt' })), 'u1', {});
    expect(result).toEqual({ variant: hash('salt', 'u1', 2)! < 0.5 ? 'control' : 'treatment', inExperiment: true, reason: 'split', bucket: hash('salt', 'u1', 2) });
  });

  it('ignoreTargeting skips only the targeting check', () => {
    const config = configFor(row({ targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }] }));
    expect(evaluateExperiment(config, userInTreatment, {})).toMatchObject({ reason: 'targeting', variant: 'control' });
    expect(evaluateExperiment(config, userInTreatment, {}, { ignoreTargeting: true })).toMatchObject({ reason: 'split', variant: 'treatment' });
    expect(evaluateExperiment(config, userInTreatment, {}, { ignoreTargeting: false })).toMatchObject({ reason: 'targeting' });
    expect(evaluateExperiment(configFor(row({ status: 'draft' })), 'u1', {}, { ignoreTargeting: true })).toMatchObject({ reason: 'not_started' });
  });
});

describe('evaluateExperiment with a program holdout', () => {
  const holdout = { planId: 3, holdoutShare: 0.5, holdoutSeed: 'spring' };
  const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
  const held = users.filter((u) => inHoldout(u, { seed: 'spring', share: 0.5 }));
  const free = users.filter((u) => !inHoldout(u, { seed: 'spring', share: 0.5 }));

  it.each<[string, Partial<Row>, (userId: string) => object, (userId: string) => object]>([
    ['running: a held-out user gets the control, out of the experiment; the others split as without a holdout', { ...holdout },
      () => ({ variant: 'control', inExperiment: false, reason: 'holdout', bucket: null }),
      (u) => evaluateExperiment(configFor(row()), u, {})],
    ['concluded with a winner: a held-out user is not served it', { ...holdout, status: 'concluded', rolloutVariantKey: 'treatment' },
      () => ({ variant: 'control', inExperiment: false, reason: 'holdout', bucket: null }),
      () => ({ variant: 'treatment', inExperiment: false, reason: 'rollout', bucket: null })]
  ])('%s', (_name, over, heldExpected, freeExpected) => {
    expect(held.length).toBeGreaterThan(5);
    expect(free.length).toBeGreaterThan(5);
    const config = configFor(row(over));
    for (const u of held) expect(evaluateExperiment(config, u, {}), u).toEqual(heldExpected(u));
    for (const u of free) expect(evaluateExperiment(config, u, {}), u).toEqual(freeExpected(u));
  });
});

describe('bucket ranges and hashing', () => {
  it.each<[string, number, number | undefined, number[] | null | undefined, Array<[number, number]>]>([
    ['default coverage is full', 2, undefined, undefined, [[0, 0.5], [0.5, 1]]],
    ['coverage below 0 is 0', 2, -0.5, null, [[0, 0], [0.5, 0.5]]],
    ['coverage above 1 is 1', 2, 1.5, null, [[0, 0.5], [0.5, 1]]],
    ['weights summing to 0.99 are kept', 2, 1, [0.49, 0.5], [[0, 0.49], [0.49, 0.99]]],
    ['weights summing to 1.01 are kept', 2, 1, [0.51, 0.5], [[0, 0.51], [0.51, 1.01]]],
    ['weights summing to 0.98 become equal', 2, 1, [0.48, 0.5], [[0, 0.5], [0.5, 1]]],
    ['weights summing to 1.02 become equal', 2, 1, [0.52, 0.5], [[0, 0.5], [0.5, 1]]],
    ['weights of another length become equal', 3, 1, [0.5, 0.5], [[0, 1 / 3], [1 / 3, 2 / 3], [2 / 3, 1]]],
    ['no variations', 0, 1, null, []]
  ])('getBucketRanges: %s', (_name, n, coverage, weights, expected) => {
    const ranges = getBucketRanges(n, coverage, weights);
    expect(ranges).toHaveLength(expected.length);
    ranges.forEach(([a, b], i) => { expect(a).toBeCloseTo(expected[i]![0], 12); expect(b).toBeCloseTo(expected[i]![1], 12); });
  });

  it('getEqualWeights of a negative count is empty', () => {
    expect(getEqualWeights(-1)).toEqual([]);
    expect(getEqualWeights(1)).toEqual([1]);
  });

  it.each([
    ['the start is in', 0.25, true],
    ['the end is out', 0.75, false],
    ['inside', 0.5, true],
    ['below', 0.2499, false]
  ])('inRange [0.25, 0.75): %s', (_name, n, inside) => {
    expect(inRange(n, [0.25, 0.75])).toBe(inside);
  });

  it('chooseVariation takes the first range holding n, else -1', () => {
    expect(chooseVariation(0.5, [[0, 0.5], [0.5, 1]])).toBe(1);
    expect(chooseVariation(0.3, [[0, 0.4], [0.2, 1]])).toBe(0);
    expect(chooseVariation(1, [[0, 0.5], [0.5, 1]])).toBe(-1);
    expect(chooseVariation(0.1, [])).toBe(-1);
  });

  it('hash versions: 2 and 1 by their formulas, others none', () => {
    expect(hash('seed', 'a', 2)).toBe(0.0505);
    expect(hash('seed', 'a', 1)).toBeGreaterThanOrEqual(0);
    expect(hash('seed', 'a', 1)! * 1000).toBe(Math.round(hash('seed', 'a', 1)! * 1000));
    expect(hash('seed', 'a', 0)).toBeNull();
    expect(hash('seed', 'a', 3)).toBeNull();
  });

  it('a layer slice holds users whose layer hash is in [start, end)', () => {
    const n = hash('__email', 'u1', 1)!;
    expect(inNamespace('u1', ['email', n, n + 0.001])).toBe(true);
    expect(inNamespace('u1', ['email', 0, n])).toBe(false);
    expect(inNamespace('u1', ['email', n + 0.001, 1])).toBe(false);
  });
});

describe('targeting at its limits', () => {
  const cases: Array<[string, TargetingCondition, Attributes, boolean]> = [
    ['lte equal', { attribute: 'age', operator: 'lte', value: 18 }, { age: 18 }, true],
    ['lt equal', { attribute: 'age', operator: 'lt', value: 18 }, { age: 18 }, false],
    ['gte below', { attribute: 'age', operator: 'gte', value: 18 }, { age: 17 }, false],
    ['gt above, both numeric strings', { attribute: 'age', operator: 'gt', value: '18' as unknown as number }, { age: '19' }, true],
    ['a blank string is not a number', { attribute: 'age', operator: 'lte', value: 18 }, { age: ' ' }, false],
    ['an empty string is not a number', { attribute: 'age', operator: 'gte', value: 0 }, { age: '' }, false],
    ['infinity is not a number', { attribute: 'age', operator: 'gt', value: 1 }, { age: Number.POSITIVE_INFINITY }, false],
    ['a boolean is not a number', { attribute: 'age', operator: 'gte', value: 0 }, { age: true }, false],
    ['a text threshold', { attribute: 'age', operator: 'lt', value: 'old' as unknown as number }, { age: 3 }, false],
    ['neq with a list attribute that holds the value', { attribute: 'tags', operator: 'neq', value: 'vip' }, { tags: ['a', 'vip'] }, false],
    ['nin with a list attribute that misses all', { attribute: 'tags', operator: 'nin', value: ['vip', 'beta'] }, { tags: ['a'] }, true],
    ['eq against a list of wanted values', { attribute: 'plan', operator: 'eq', value: ['pro', 'team'] }, { plan: 'team' }, true],
    ['eq true against the text "true"', { attribute: 'pro', operator: 'eq', value: true }, { pro: 'true' }, true],
    ['eq false against true', { attribute: 'pro', operator: 'eq', value: false }, { pro: true }, false],
    ['a null attribute passes neq', { attribute: 'country', operator: 'neq', value: 'TR' }, { country: null }, true],
    ['a null attribute fails gt', { attribute: 'age', operator: 'gt', value: 1 }, { age: null }, false]
  ];
  it.each(cases)('%s', (_name, condition, attributes, holds) => {
    expect(conditionHolds(condition, attributes)).toBe(holds);
  });

  it('every condition must hold; none always holds', () => {
    const tr = { attribute: 'country', operator: 'eq', value: 'TR' } as const;
    const adult = { attribute: 'age', operator: 'gte', value: 18 } as const;
    expect(targetingHolds([], {})).toBe(true);
    expect(targetingHolds([tr, adult], { country: 'TR', age: 20 })).toBe(true);
    expect(targetingHolds([tr, adult], { country: 'TR', age: 12 })).toBe(false);
    expect(targetingHolds([tr, adult], { country: 'DE', age: 20 })).toBe(false);
  });
});
