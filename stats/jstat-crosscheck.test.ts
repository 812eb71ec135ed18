/**
 * jStat as an independent second implementation: where it is right (the central range,
 * p not tiny) our functions must agree with it; where it is known to fail (upper tails,
 * computed as 1 - cdf) this table documents the failure our own code avoids.
 */
import { describe, expect, it } from 'vitest';
import { jStat } from 'jstat';
import { chiSquareUpperTail, normalQuantile, normalUpperTail, tQuantile, tUpperTail } from './index.ts';

const relativeError = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('agrees with jStat in the central range', () => {
  it.each([
    ['normal upper tail z=0.5', () => normalUpperTail(0.5), () => 1 - jStat.normal.cdf(0.5, 0, 1)],
    ['normal upper tail z=1.96', () => normalUpperTail(1.96), () => 1 - jStat.normal.cdf(1.96, 0, 1)],
    ['normal quantile 0.975', () => normalQuantile(0.975), () => jStat.normal.inv(0.975, 0, 1)],
    ['t upper tail t=2.1 df=7', () => tUpperTail(2.1, 7), () => 1 - jStat.studentt.cdf(2.1, 7)],
    ['t upper tail t=1.3 df=40', () => tUpperTail(1.3, 40), () => 1 - jStat.studentt.cdf(1.3, 40)],
    ['t quantile 0.975 df=12', () => tQuantile(0.975, 12), () => jStat.studentt.inv(0.975, 12)],
    ['chi-square upper tail 7.8 df=3', () => chiSquareUpperTail(7.8, 3), () => 1 - jStat.chisquare.cdf(7.8, 3)]
  ])('%s', (_name, ours, theirs) => {
    expect(relativeError(ours(), theirs())).toBeLessThan(1e-6);
  });
});

describe('where jStat alone is not enough', () => {
  it('chi-square upper tail of 161.13 on 4 df: jStat gives 0, we give R\'s 8.367e-34', () => {
    expect(1 - jStat.chisquare.cdf(161.13, 4)).toBe(0);
    // R: pchisq(161.13, 4, lower.tail = FALSE)
    expect(relativeError(chiSquareUpperTail(161.13, 4), 8.3669833737195522e-34)).toBeLessThan(1e-9);
  });

  it('normal upper tail at z = 10: 1 - cdf loses every digit, ours keeps them', () => {
    const truth = 7.619853024160526e-24; // R: pnorm(10, lower.tail = FALSE)
    expect(relativeError(1 - jStat.normal.cdf(10, 0, 1), truth)).toBeGreaterThan(0.5);
    expect(relativeError(normalUpperTail(10), truth)).toBeLessThan(1e-12);
  });
});
