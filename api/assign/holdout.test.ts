// The program holdout against the real GrowthBook SDK: a rule carrying holdoutFilters() keeps out
// exactly the users inHoldout() holds out (and, with a layer slice, exactly the slice's users),
// and the holdout is independent of the experiment's own bucketing.
import { describe, expect, it } from 'vitest';
import { GrowthBook } from '@growthbook/growthbook';
import { holdoutFilters, inHoldout, type ProgramHoldout } from './holdout.ts';
import { chooseVariation, getBucketRanges, hash, inNamespace, type NamespaceRange } from './hash.ts';

const users = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
const holdout: ProgramHoldout = { seed: 'starter-90-day-v1', share: 0.05 };

/** What GrowthBook's SDK assigns for a one-rule feature: the variation index, or -1 when not in the experiment. */
function sdkVariation(userId: string, filters: ReturnType<typeof holdoutFilters>): number {
  const gb = new GrowthBook({
    attributes: { id: userId },
    features: { f: { defaultValue: -1, rules: [{ key: 'exp', seed: 'exp', hashVersion: 2, variations: [0, 1], weights: [0.5, 0.5], coverage: 1, filters }] } }
  });
  const value = gb.getFeatureValue('f', -1) as number;
  gb.destroy();
  return value;
}

describe('inHoldout', () => {
  const cases: Array<[string, number, (held: number) => boolean]> = [
    ['share 0 holds nobody out', 0, (held) => held === 0],
    ['share 1 holds everybody out', 1, (held) => held === users.length],
    ['share 5% holds out about 5%', 0.05, (held) => held > 0.04 * users.length && held < 0.06 * users.length]
  ];
  it.each(cases)('%s', (_name, share, expected) => {
    expect(expected(users.filter((u) => inHoldout(u, { seed: 'p', share })).length)).toBe(true);
  });

  it('another plan seed holds out other users', () => {
    const a = users.filter((u) => inHoldout(u, holdout));
    const b = new Set(users.filter((u) => inHoldout(u, { ...holdout, seed: 'other-plan' })));
    expect(a.filter((u) => b.has(u)).length).toBeLessThan(a.length / 4);
  });

  it('is independent of the experiment bucketing: held-out users would split across both variants', () => {
    const held = users.filter((u) => inHoldout(u, { seed: 'p', share: 0.2 }));
    const variants = held.map((u) => chooseVariation(hash('exp', u, 2)!, getBucketRanges(2)));
    const treated = variants.filter((v) => v === 1).length / held.length;
    expect(treated).toBeGreaterThan(0.4);
    expect(treated).toBeLessThan(0.6);
  });
});

describe('inHoldout at the boundary', () => {
  // The v2 hash is a multiple of 1/10000, so a share can equal a user's hash exactly: the holdout is
  // [0, share), as the filter's range [share, 1) lets that user through.
  const userId = 'user-7';
  const n = hash('__holdout_p', userId, 2)!;
  it.each<[string, number, boolean]>([
    ['a share equal to the user\'s hash leaves the user in', n, false],
    ['a share one step above holds the user out', n + 0.0001, true],
    ['a negative share holds nobody out', -0.5, false]
  ])('%s', (_name, share, expected) => {
    expect(n).toBeGreaterThan(0);
    expect(inHoldout(userId, { seed: 'p', share })).toBe(expected);
  });
});

describe('holdoutFilters', () => {
  it.each<[string, Parameters<typeof holdoutFilters>, ReturnType<typeof holdoutFilters>]>([
    ['everyone outside the holdout, by the id attribute', [{ seed: 'p1', share: 0.05 }],
      [{ seed: '__holdout_p1', ranges: [[0.05, 1]], hashVersion: 2, attribute: 'id' }]],
    ['and inside the layer slice', [{ seed: 'p1', share: 0.05 }, ['email', 0.2, 0.6]],
      [{ seed: '__holdout_p1', ranges: [[0.05, 1]], hashVersion: 2, attribute: 'id' }, { seed: '__email', ranges: [[0.2, 0.6]], hashVersion: 1, attribute: 'id' }]],
    ['by another attribute', [{ seed: 'p1', share: 0.05 }, null, 'deviceId'],
      [{ seed: '__holdout_p1', ranges: [[0.05, 1]], hashVersion: 2, attribute: 'deviceId' }]],
    ['a share out of [0, 1] is clamped', [{ seed: 'p1', share: 1.5 }], [{ seed: '__holdout_p1', ranges: [[1, 1]], hashVersion: 2, attribute: 'id' }]]
  ])('%s', (_name, args, expected) => {
    expect(holdoutFilters(...args)).toEqual(expected);
  });
});

describe('holdoutFilters in the GrowthBook SDK', () => {
  it('keeps exactly the held-out users out of the experiment, and assigns the others as without a holdout', () => {
    const filters = holdoutFilters(holdout);
    for (const u of users.slice(0, 1500)) {
      const expected = inHoldout(u, holdout) ? -1 : chooseVariation(hash('exp', u, 2)!, getBucketRanges(2));
      expect(sdkVariation(u, filters), u).toBe(expected);
    }
  });

  it('with a layer slice: in the experiment only outside the holdout and inside the slice', () => {
    const slice: NamespaceRange = ['starter-calendar', 0, 0.5];
    const filters = holdoutFilters(holdout, slice);
    let inside = 0;
    for (const u of users.slice(0, 1500)) {
      const included = !inHoldout(u, holdout) && inNamespace(u, slice);
      if (included) inside++;
      expect(sdkVariation(u, filters) !== -1, u).toBe(included);
    }
    expect(inside).toBeGreaterThan(500);
  });
});
