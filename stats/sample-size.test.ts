/** Sample sizes and detectable effects: the documented values (R's power.prop.test and
 *  power.t.test), both directions of the effect, and each function inverting the other. */
import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect, nonInferiorityScale, requiredSampleSize, type SampleSizeInput } from './index.ts';

describe('requiredSampleSize', () => {
  it.each<[string, SampleSizeInput, number]>([
    // power.prop.test(p1 = 0.1, p2 = 0.11, power = 0.8)$n = 14750.08
    ['+10% relative on 10%', { kind: 'proportion', baseline: 0.1, mde: 0.1, relative: true }, 14_751],
    ['+1 point absolute on 10% is the same test', { kind: 'proportion', baseline: 0.1, mde: 0.01 }, 14_751],
    // power.t.test(delta = 0.1, sd = 1, power = 0.8)$n = 1570.733
    ['0.1 sd on a mean', { kind: 'mean', sd: 1, mde: 0.1 }, 1571],
    ['a negative effect needs the same users', { kind: 'mean', sd: 2, mde: -0.2 }, 1571],
    ['a huge effect needs few users', { kind: 'mean', sd: 1, mde: 3 }, 4],
  ])('%s', (_name, input, n) => expect(requiredSampleSize(input)).toBe(n));

  it('stricter alpha and higher power need more users', () => {
    const base = requiredSampleSize({ kind: 'mean', sd: 1, mde: 0.1 });
    expect(requiredSampleSize({ kind: 'mean', sd: 1, mde: 0.1, alpha: 0.01 })).toBeGreaterThan(base);
    expect(requiredSampleSize({ kind: 'mean', sd: 1, mde: 0.1, power: 0.9 })).toBeGreaterThan(base);
    // power.t.test(delta = 0.1, sd = 1, power = 0.9)$n = 2102.445
    expect(requiredSampleSize({ kind: 'mean', sd: 1, mde: 0.1, power: 0.9 })).toBe(2103);
  });
});

describe('minimumDetectableEffect inverts requiredSampleSize', () => {
  it.each<[string, () => number, number, number]>([
    ['a mean, 1,571 per arm: 0.1 sd', () => minimumDetectableEffect({ kind: 'mean', sd: 1, n: 1571 }), 0.1, 4],
    ['scales with the sd', () => minimumDetectableEffect({ kind: 'mean', sd: 3, n: 1571 }), 0.3, 3],
    ['a rate, relative', () => minimumDetectableEffect({ kind: 'proportion', baseline: 0.1, n: 14_751, relative: true }), 0.1, 5],
    ['a rate, absolute', () => minimumDetectableEffect({ kind: 'proportion', baseline: 0.1, n: 14_751 }), 0.01, 6],
  ])('%s', (_name, call, effect, digits) => expect(call()).toBeCloseTo(effect, digits));

  it.each<[number]>([[3], [40], [1000]])('a mean with %i per arm: the effect found needs that many users', (n) => {
    const d = minimumDetectableEffect({ kind: 'mean', sd: 1, n });
    expect(requiredSampleSize({ kind: 'mean', sd: 1, mde: d * 1.000001 })).toBe(n);
  });

  it.each<[number]>([[200], [5000]])('a rate with %i per arm: the effect found needs that many users', (n) => {
    const d = minimumDetectableEffect({ kind: 'proportion', baseline: 0.2, n });
    expect(requiredSampleSize({ kind: 'proportion', baseline: 0.2, mde: d * 1.000001 })).toBe(n);
  });

  it('no rate up to 100% is detectable with 2 users per arm on a 50% baseline: Infinity', () => {
    expect(minimumDetectableEffect({ kind: 'proportion', baseline: 0.5, n: 2 })).toBe(Infinity);
  });
});

describe('nonInferiorityScale', () => {
  it.each<[string, Parameters<typeof nonInferiorityScale>[0], number]>([
    ['the docstring example', { se: 0.004, margin: 0.002 }, ((1.6448536269514722 + 0.8416212335729143) * 2) ** 2],
    ['alpha 0.025, power 0.9', { se: 0.01, margin: 0.01, alpha: 0.025, power: 0.9 }, (1.959963984540054 + 1.2815515655446004) ** 2],
  ])('%s', (_name, input, k) => expect(nonInferiorityScale(input)).toBeCloseTo(k, 10));
});
