import { describe, expect, it } from 'vitest';
import { formatPercent } from './format.ts';

describe('formatPercent', () => {
  it.each([
    ['default: sign on positives, one digit', 0.213, {}, '+21.3%'],
    ['default: zero has no sign', 0, {}, '0.0%'],
    ['default: negative', -0.0456, {}, '-4.6%'],
    ['nonnegative: zero signed', 0, { sign: 'nonnegative' }, '+0.0%'],
    ['none: no sign', 0.5, { sign: 'none' }, '50.0%'],
    ['trim drops trailing zeros', 0.2, { sign: 'none', trim: true }, '20%'],
    ['trim keeps needed digits', 0.125, { sign: 'none', trim: true, digits: 2 }, '12.5%'],
    ['digits', 0.12345, { digits: 3 }, '+12.345%'],
    ['null', null, {}, '—'],
    ['undefined', undefined, {}, '—'],
    ['NaN', Number.NaN, {}, '—'],
    ['Infinity', Number.POSITIVE_INFINITY, {}, '—']
  ] as const)('%s', (_name, x, style, expected) => {
    expect(formatPercent(x, style)).toBe(expected);
  });
});
