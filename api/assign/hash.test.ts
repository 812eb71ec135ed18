import { describe, expect, it } from 'vitest';
import { chooseVariation, fnv1a32, getBucketRanges, getEqualWeights, hash, inNamespace, type BucketRange, type NamespaceRange } from './hash.ts';
import cases from './fixtures/growthbook-cases.json' with { type: 'json' };

// GrowthBook compares floating ranges and weights after truncating to 8 decimals.
const trunc = (x: number) => Math.floor(x * 1e8) / 1e8;

describe('GrowthBook cases: hash', () => {
  it.each(cases.hash as Array<[string, string, number, number | null]>)(
    'hash(%j, %j, v%i) = %j', (seed, value, version, expected) => {
      expect(hash(seed, value, version)).toBe(expected);
    });
});

describe('GrowthBook cases: getBucketRange', () => {
  it.each(cases.getBucketRange as Array<[string, [number, number, number[] | null], BucketRange[]]>)(
    '%s', (_name, [numVariations, coverage, weights], expected) => {
      const ranges = getBucketRanges(numVariations, coverage, weights);
      expect(ranges.map(([a, b]) => [trunc(a), trunc(b)])).toEqual(expected.map(([a, b]) => [trunc(a), trunc(b)]));
    });
});

describe('GrowthBook cases: chooseVariation', () => {
  it.each(cases.chooseVariation as Array<[string, number, BucketRange[], number]>)(
    '%s', (_name, n, ranges, expected) => {
      expect(chooseVariation(n, ranges)).toBe(expected);
    });
});

describe('GrowthBook cases: inNamespace', () => {
  it.each(cases.inNamespace as Array<[string, string, NamespaceRange, boolean]>)(
    '%s', (_name, userId, namespace, expected) => {
      expect(inNamespace(userId, namespace)).toBe(expected);
    });
});

describe('GrowthBook cases: getEqualWeights', () => {
  it.each(cases.getEqualWeights as Array<[number, number[]]>)('%i variations', (n, expected) => {
    expect(getEqualWeights(n).map(trunc)).toEqual(expected.map(trunc));
  });
});

describe('FNV-1a over UTF-16 code units', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968]
  ])('fnv1a32(%j) = %i (published FNV test vectors)', (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });

  it('hashes code units, not UTF-8 bytes', () => {
    // 'é' is one UTF-16 unit (0xE9) but two UTF-8 bytes; hashing bytes would differ.
    expect(fnv1a32('é')).toBe(Math.imul(0x811c9dc5 ^ 0xe9, 16777619) >>> 0);
    expect(fnv1a32('é')).not.toBe(fnv1a32('\u00c3\u00a9'));
  });
});

describe('coverage ramps never reshuffle users', () => {
  it('a user in a variant at 20% coverage stays in that variant at 100%', () => {
    const low = getBucketRanges(2, 0.2, [0.5, 0.5]);
    const full = getBucketRanges(2, 1, [0.5, 0.5]);
    for (let i = 0; i < 2000; i++) {
      const n = hash('exp', `u${i}`, 2)!;
      const before = chooseVariation(n, low);
      if (before >= 0) expect(chooseVariation(n, full)).toBe(before);
    }
  });
});
