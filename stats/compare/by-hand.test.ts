/** The comparisons recomputed from raw data by the textbook formulas: relative lift by the
 *  delta method, one-sided tests and intervals, CUPED (θ from pooled within-arm moments),
 *  ratio metrics (delta method), and sequential one-sided p-values. */
import { describe, expect, it } from 'vitest';
import { compareMeans, compareProportions, compareRatios, normalUpperQuantile, normalUpperTail, tUpperQuantile, tUpperTail } from '../index.ts';
import { sequentialMultiplier, sequentialPValue, sequentialRho } from './sequential.ts';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[]) => { const m = mean(v); return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1); };
const covariance = (x: number[], y: number[]) => { const mx = mean(x); const my = mean(y); return x.reduce((a, xi, i) => a + (xi - mx) * (y[i]! - my), 0) / (x.length - 1); };
const sums = (y: number[]) => ({ n: y.length, sum: y.reduce((a, b) => a + b, 0), sumSquares: y.reduce((a, b) => a + b * b, 0) });
const close = (actual: number, expected: number, digits = 12) => expect(actual).toBeCloseTo(expected, digits);

const yc = [3, 5, 4, 6, 2, 5, 7, 4];
const yt = [5, 6, 7, 5, 8, 6, 9, 7, 6];

describe('compareMeans by hand (Welch)', () => {
  const vc = variance(yc) / yc.length;
  const vt = variance(yt) / yt.length;
  const d = mean(yt) - mean(yc);
  const se = Math.sqrt(vc + vt);
  const df = (vc + vt) ** 2 / (vc ** 2 / (yc.length - 1) + vt ** 2 / (yt.length - 1));

  it.each<['two-sided' | 'greater' | 'less', number, [number, number]]>([
    ['two-sided', 2 * tUpperTail(d / se, df), [d - tUpperQuantile(0.025, df) * se, d + tUpperQuantile(0.025, df) * se]],
    ['greater', tUpperTail(d / se, df), [d - tUpperQuantile(0.05, df) * se, Infinity]],
    ['less', tUpperTail(-d / se, df), [-Infinity, d + tUpperQuantile(0.05, df) * se]],
  ])('%s', (alternative, pValue, ci) => {
    const c = compareMeans(sums(yc), sums(yt), { alternative });
    close(c.control, mean(yc));
    close(c.treatment, mean(yt));
    close(c.absolute.estimate, d);
    close(c.absolute.se, se);
    close(c.statistic, d / se);
    close(c.df, df, 9);
    close(c.pValue, pValue);
    expect(c.significant).toBe(pValue < 0.05);
    ci.forEach((bound, i) => (Number.isFinite(bound) ? close(c.absolute.ci[i]!, bound) : expect(c.absolute.ci[i]).toBe(bound)));
  });

  it('relative lift (t - c)/|c| with the delta-method se and its interval', () => {
    const c = compareMeans(sums(yc), sums(yt), { alpha: 0.1 });
    const mc = mean(yc);
    const mt = mean(yt);
    const relSe = Math.sqrt(vt / mc ** 2 + (vc * mt ** 2) / mc ** 4);
    const q = tUpperQuantile(0.05, df);
    close(c.relative!.estimate, (mt - mc) / mc);
    close(c.relative!.se, relSe);
    close(c.relative!.ci[0], (mt - mc) / mc - q * relSe);
    close(c.relative!.ci[1], (mt - mc) / mc + q * relSe);
  });

  it('a negative control mean divides by its absolute value', () => {
    const c = compareMeans(sums(yc.map((v) => -v)), sums(yt.map((v) => -v)));
    close(c.relative!.estimate, (-mean(yt) + mean(yc)) / mean(yc));
  });

  it('significant exactly when p < alpha', () => {
    const p = compareMeans(sums(yc), sums(yt)).pValue;
    expect(compareMeans(sums(yc), sums(yt), { alpha: p * 1.0001 }).significant).toBe(true);
    expect(compareMeans(sums(yc), sums(yt), { alpha: p }).significant).toBe(false);
  });
});

describe('compareProportions by hand (Wald)', () => {
  it.each<['two-sided' | 'greater' | 'less']>([['two-sided'], ['greater'], ['less']])('%s, with the relative lift', (alternative) => {
    const c = compareProportions({ n: 400, conversions: 40 }, { n: 500, conversions: 65 }, { alternative, alpha: 0.1 });
    const pc = 0.1;
    const pt = 0.13;
    const se = Math.sqrt((pc * (1 - pc)) / 400 + (pt * (1 - pt)) / 500);
    const z = (pt - pc) / se;
    const p = alternative === 'two-sided' ? 2 * normalUpperTail(z) : alternative === 'greater' ? normalUpperTail(z) : normalUpperTail(-z);
    close(c.statistic, z);
    close(c.pValue, p);
    expect(c.df).toBe(Infinity);
    const relSe = Math.sqrt((pt * (1 - pt)) / 500 / pc ** 2 + ((pc * (1 - pc)) / 400) * pt ** 2 / pc ** 4);
    close(c.relative!.estimate, 0.3);
    close(c.relative!.se, relSe);
    const zq = normalUpperQuantile(alternative === 'two-sided' ? 0.05 : 0.1);
    if (alternative !== 'less') close(c.relative!.ci[0], 0.3 - zq * relSe);
    if (alternative !== 'greater') close(c.relative!.ci[1], 0.3 + zq * relSe);
  });

  it('the absolute interval is clamped to [-1, 1]', () => {
    const c = compareProportions({ n: 3, conversions: 0 }, { n: 3, conversions: 2 });
    expect(c.absolute.ci[1]).toBe(1);
    const d = compareProportions({ n: 3, conversions: 2 }, { n: 3, conversions: 0 });
    expect(d.absolute.ci[0]).toBe(-1);
  });
});

describe('CUPED by hand', () => {
  // y: the metric; x: the pre-period covariate
  const xc = [2, 4, 4, 5, 1, 5, 6, 3];
  const xt = [4, 5, 6, 4, 6, 5, 8, 6, 5];
  const arm = (y: number[], x: number[]) => ({
    ...sums(y), covariateSum: x.reduce((a, b) => a + b, 0), covariateSumSquares: x.reduce((a, b) => a + b * b, 0),
    crossSum: x.reduce((a, xi, i) => a + xi * y[i]!, 0),
  });

  it('θ = pooled Sxy / pooled Sxx; means shifted by θ(x̄ - x̄_all); variance of y - θx', () => {
    const sxy = covariance(xc, yc) * (xc.length - 1) + covariance(xt, yt) * (xt.length - 1);
    const sxx = variance(xc) * (xc.length - 1) + variance(xt) * (xt.length - 1);
    const theta = sxy / sxx;
    const xAll = mean([...xc, ...xt]);
    const adjustedMean = (y: number[], x: number[]) => mean(y) - theta * (mean(x) - xAll);
    const adjustedVar = (y: number[], x: number[]) => variance(y.map((v, i) => v - theta * x[i]!)) / y.length;
    const c = compareMeans(sums(yc), sums(yt), { covariate: { control: arm(yc, xc), treatment: arm(yt, xt) } });
    close(c.control, adjustedMean(yc, xc));
    close(c.treatment, adjustedMean(yt, xt));
    close(c.absolute.se, Math.sqrt(adjustedVar(yc, xc) + adjustedVar(yt, xt)));
    expect(c.absolute.se).toBeLessThan(compareMeans(sums(yc), sums(yt)).absolute.se);
  });

  it('on rates, with a binary covariate', () => {
    const yc01 = [1, 0, 0, 1, 0, 1, 1, 0, 0, 0];
    const yt01 = [1, 1, 0, 1, 0, 1, 1, 1, 0, 1];
    const xc01 = [1, 0, 0, 1, 0, 0, 1, 0, 1, 0];
    const xt01 = [1, 1, 0, 0, 0, 1, 1, 0, 0, 1];
    const sxy = covariance(xc01, yc01) * 9 + covariance(xt01, yt01) * 9;
    const sxx = variance(xc01) * 9 + variance(xt01) * 9;
    const theta = sxy / sxx;
    const c = compareProportions({ n: 10, conversions: 4 }, { n: 10, conversions: 7 }, { covariate: { control: arm(yc01, xc01), treatment: arm(yt01, xt01) } });
    close(c.absolute.estimate, 0.3 - theta * (mean(xt01) - mean(xc01)));
    const adjustedVar = (y: number[], x: number[]) => variance(y.map((v, i) => v - theta * x[i]!)) / 10;
    close(c.absolute.se, Math.sqrt(adjustedVar(yc01, xc01) + adjustedVar(yt01, xt01)));
  });
});

describe('compareRatios by hand (delta method)', () => {
  // revenue (numerator) and orders (denominator) per user
  const nc = [10, 0, 25, 5, 30, 12];
  const dc = [1, 0, 2, 1, 3, 1];
  const nt = [20, 15, 0, 40, 10, 22, 18];
  const dt = [2, 1, 0, 3, 1, 2, 1];
  const stats = (num: number[], den: number[]) => ({
    n: num.length, sumNumerator: num.reduce((a, b) => a + b, 0), sumDenominator: den.reduce((a, b) => a + b, 0),
    sumNumeratorSquares: num.reduce((a, b) => a + b * b, 0), sumDenominatorSquares: den.reduce((a, b) => a + b * b, 0),
    sumCrossProducts: num.reduce((a, v, i) => a + v * den[i]!, 0),
  });
  const deltaVar = (num: number[], den: number[]) => {
    const r = mean(num) / mean(den);
    return (variance(num) - 2 * r * covariance(num, den) + r * r * variance(den)) / mean(den) ** 2 / num.length;
  };

  it('ratio of means, its variance, the z test', () => {
    const c = compareRatios(stats(nc, dc), stats(nt, dt));
    const rc = mean(nc) / mean(dc);
    const rt = mean(nt) / mean(dt);
    const se = Math.sqrt(deltaVar(nc, dc) + deltaVar(nt, dt));
    close(c.control, rc);
    close(c.treatment, rt);
    close(c.absolute.se, se);
    close(c.pValue, 2 * normalUpperTail(Math.abs(rt - rc) / se));
    expect(c.df).toBe(Infinity);
  });

  it('a ratio with no spread has variance 0, not a negative one', () => {
    const flat = stats([2, 4, 6], [1, 2, 3]); // every user at 2 per order
    const c = compareRatios(flat, stats(nt, dt));
    close(c.absolute.se, Math.sqrt(deltaVar(nt, dt)));
  });
});

describe('sequential, one-sided', () => {
  const rho = sequentialRho(0.05, 5000, false);
  it('ρ doubles alpha for one-sided sequences', () => {
    close(rho, Math.sqrt((-2 * Math.log(0.1) + Math.log(1 - 2 * Math.log(0.1))) / 5000), 15);
  });

  it('half-width and p-value follow eq. 9 / step 3', () => {
    const n = 2000;
    const nr2 = n * rho * rho + 1;
    close(sequentialMultiplier(n, 0.05, rho, 'greater'), Math.sqrt(n) * Math.sqrt((2 * nr2 * Math.log1p(Math.sqrt(nr2) / 0.1)) / (n * rho) ** 2));
    const z = 3;
    const L = (rho * rho * n * z * z) / (2 * nr2);
    close(sequentialPValue(z, n, rho, 'greater'), Math.sqrt(nr2) / (2 * Math.expm1(L)));
    close(sequentialPValue(-z, n, rho, 'less'), Math.sqrt(nr2) / (2 * Math.expm1(L)));
    expect(sequentialPValue(-z, n, rho, 'greater')).toBe(1);
    expect(sequentialPValue(z, n, rho, 'less')).toBe(1);
  });

  it('a huge statistic gives a tiny positive p, not 0 or NaN', () => {
    const p = sequentialPValue(1e3, 1e6, rho, 'greater');
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-300);
  });

  it('at the p-value\'s alpha the sequence just touches 0', () => {
    const n = 5000;
    const z = 3.5;
    const p = sequentialPValue(z, n, rho, 'greater');
    const rhoAtP = rho; // rho held fixed (step 3)
    close(sequentialMultiplier(n, p, rhoAtP, 'greater'), z, 9);
  });
});
