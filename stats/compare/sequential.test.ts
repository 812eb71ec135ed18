import { describe, expect, it } from 'vitest';
import { compareMeans, compareProportions } from '../index.ts';
import { sequentialMultiplier, sequentialPValue, sequentialRho } from './sequential.ts';

describe('sequential confidence sequences', () => {
  it('rho follows eq. 161 (alpha = 0.05, N = 5000)', () => {
    const expected = Math.sqrt((-2 * Math.log(0.05) + Math.log(1 - 2 * Math.log(0.05))) / 5000);
    expect(sequentialRho(0.05, 5000, true)).toBe(expected);
    expect(expected).toBeCloseTo(0.039840, 5);
  });

  // [name, control conversions, treatment conversions, n per arm, alternative]
  const grid: [string, number, number, number, 'two-sided' | 'greater' | 'less'][] = [];
  for (const n of [200, 2000, 20000, 200000]) {
    for (const lift of [0, 0.02, 0.05, 0.1, 0.2, 0.4]) {
      for (const alternative of ['two-sided', 'greater', 'less'] as const) {
        grid.push([`n=${n} lift=${lift} ${alternative}`, Math.round(0.1 * n), Math.round(0.1 * (1 + lift) * n), n, alternative]);
      }
    }
  }

  it.each(grid)('%s: significant exactly when the sequence excludes 0, and wider than fixed', (_name, xc, xt, n, alternative) => {
    const options = { alternative, sequential: { tuning: 5000 } };
    const sequential = compareProportions({ n, conversions: xc }, { n, conversions: xt }, options);
    const fixed = compareProportions({ n, conversions: xc }, { n, conversions: xt }, { alternative });
    const [lo, hi] = sequential.absolute.ci;
    expect(sequential.significant).toBe(lo > 0 || hi < 0);
    if (fixed.pValue > 1e-300) expect(sequential.pValue).toBeGreaterThanOrEqual(fixed.pValue); // both underflow otherwise
    expect(sequential.df).toBe(Infinity);
    if (alternative !== 'less') expect(lo).toBeLessThanOrEqual(fixed.absolute.ci[0]);
  });

  it('inverts the sequence: at p = alpha the half-width equals |estimate|', () => {
    const rho = sequentialRho(0.05, 5000, true);
    const n = 8000;
    const z = sequentialMultiplier(n, 0.05, rho, 'two-sided'); // boundary statistic
    expect(sequentialPValue(z, n, rho, 'two-sided')).toBeCloseTo(0.05, 12);
    const rhoOne = sequentialRho(0.05, 5000, false);
    const zOne = sequentialMultiplier(n, 0.05, rhoOne, 'greater');
    expect(sequentialPValue(zOne, n, rhoOne, 'greater')).toBeCloseTo(0.05, 12);
    expect(sequentialPValue(-zOne, n, rhoOne, 'greater')).toBe(1);
  });

  it('the interval narrows as data accumulate', () => {
    const widths = [1000, 10000, 100000].map((n) => {
      const c = compareMeans({ n, sum: n, sumSquares: 2 * n }, { n, sum: n, sumSquares: 2 * n }, { sequential: {} });
      return c.absolute.ci[1] - c.absolute.ci[0];
    });
    expect(widths[1]).toBeLessThan(widths[0]);
    expect(widths[2]).toBeLessThan(widths[1]);
  });
});
