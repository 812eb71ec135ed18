/**
 * Seeded Monte Carlo checks of the error rates the methods promise. Every assertion
 * has a tolerance of 4 binomial standard errors, so a real defect fails it.
 */
import { describe, expect, it } from 'vitest';
import { compareMeans, compareProportions, compareRatios, type Comparison } from './index.ts';
import { ArmAccumulator, binomialTolerance, mulberry32, normalGenerator } from './testing/random.ts';

const ALPHA = 0.05;

function rate(events: number, trials: number, label: string): number {
  const value = events / trials;
  console.log(`${label}: ${(100 * value).toFixed(2)}% of ${trials}`);
  return value;
}

const covers = (c: Comparison, truth: number) => c.absolute.ci[0] <= truth && truth <= c.absolute.ci[1];

describe('fixed horizon', () => {
  it('A/A false positive rate of compareMeans ≈ alpha (Welch, unequal n)', () => {
    const normal = normalGenerator(mulberry32(1));
    const experiments = 4000;
    let positives = 0;
    for (let e = 0; e < experiments; e++) {
      const control = new ArmAccumulator();
      const treatment = new ArmAccumulator();
      for (let i = 0; i < 60; i++) control.add(10 + 2 * normal());
      for (let i = 0; i < 90; i++) treatment.add(10 + 2 * normal());
      if (compareMeans(control.snapshot(), treatment.snapshot()).significant) positives++;
    }
    const fpr = rate(positives, experiments, 'A/A false positive rate, means');
    expect(Math.abs(fpr - ALPHA)).toBeLessThan(binomialTolerance(ALPHA, experiments));
  });

  it('A/A false positive rate of compareProportions ≈ alpha', () => {
    const uniform = mulberry32(2);
    const experiments = 3000;
    let positives = 0;
    for (let e = 0; e < experiments; e++) {
      let xc = 0;
      let xt = 0;
      for (let i = 0; i < 1000; i++) {
        if (uniform() < 0.1) xc++;
        if (uniform() < 0.1) xt++;
      }
      if (compareProportions({ n: 1000, conversions: xc }, { n: 1000, conversions: xt }).significant) positives++;
    }
    const fpr = rate(positives, experiments, 'A/A false positive rate, proportions');
    expect(Math.abs(fpr - ALPHA)).toBeLessThan(binomialTolerance(ALPHA, experiments));
  });

  it('95% CIs cover the true absolute and relative effect ≈ 95% of the time', () => {
    const normal = normalGenerator(mulberry32(3));
    const experiments = 4000;
    let absolute = 0;
    let relative = 0;
    for (let e = 0; e < experiments; e++) {
      const control = new ArmAccumulator();
      const treatment = new ArmAccumulator();
      for (let i = 0; i < 400; i++) control.add(5 + normal());
      for (let i = 0; i < 300; i++) treatment.add(5.5 + 2 * normal());
      const c = compareMeans(control.snapshot(), treatment.snapshot());
      if (covers(c, 0.5)) absolute++;
      const [lo, hi] = c.relative!.ci;
      if (lo <= 0.1 && 0.1 <= hi) relative++;
    }
    const tolerance = binomialTolerance(0.95, experiments);
    expect(Math.abs(rate(absolute, experiments, 'CI coverage, absolute') - 0.95)).toBeLessThan(tolerance);
    expect(Math.abs(rate(relative, experiments, 'CI coverage, relative (delta method)') - 0.95)).toBeLessThan(tolerance);
  });

  it('CUPED keeps coverage and shrinks the standard error by about √(1 - ρ²)', () => {
    const normal = normalGenerator(mulberry32(4));
    const experiments = 2000;
    const rho = 0.8;
    let covered = 0;
    let seRatio = 0;
    for (let e = 0; e < experiments; e++) {
      const arms = [0, 0.2].map((effect) => {
        const sums = { n: 0, sum: 0, sumSquares: 0, covariateSum: 0, covariateSumSquares: 0, crossSum: 0 };
        for (let i = 0; i < 200; i++) {
          const x = 3 + normal();
          const y = 3 + effect + rho * (x - 3) + Math.sqrt(1 - rho * rho) * normal();
          sums.n++;
          sums.sum += y;
          sums.sumSquares += y * y;
          sums.covariateSum += x;
          sums.covariateSumSquares += x * x;
          sums.crossSum += x * y;
        }
        return sums;
      });
      const plain = compareMeans(arms[0], arms[1]);
      const adjusted = compareMeans(arms[0], arms[1], { covariate: { control: arms[0], treatment: arms[1] } });
      if (covers(adjusted, 0.2)) covered++;
      seRatio += adjusted.absolute.se / plain.absolute.se / experiments;
    }
    console.log(`CUPED: mean se ratio ${seRatio.toFixed(3)} (theory ${Math.sqrt(1 - rho * rho).toFixed(3)})`);
    expect(seRatio).toBeCloseTo(Math.sqrt(1 - rho * rho), 1);
    expect(Math.abs(rate(covered, experiments, 'CI coverage, CUPED') - 0.95)).toBeLessThan(binomialTolerance(0.95, experiments));
  });

  it('ratio-metric (delta method) CIs cover the true ratio difference ≈ 95%', () => {
    const normal = normalGenerator(mulberry32(5));
    const uniform = mulberry32(6);
    const experiments = 2000;
    let covered = 0;
    for (let e = 0; e < experiments; e++) {
      // orders ~ 1 + Poisson-ish, revenue per order ~ 40 (control) or 44 (treatment) ± noise
      const arms = [40, 44].map((perOrder) => {
        const s = { n: 0, sumNumerator: 0, sumDenominator: 0, sumNumeratorSquares: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 };
        for (let i = 0; i < 300; i++) {
          const orders = 1 + Math.floor(3 * uniform());
          const revenue = orders * perOrder + 10 * Math.sqrt(orders) * normal();
          s.n++;
          s.sumNumerator += revenue;
          s.sumDenominator += orders;
          s.sumNumeratorSquares += revenue * revenue;
          s.sumDenominatorSquares += orders * orders;
          s.sumCrossProducts += revenue * orders;
        }
        return s;
      });
      if (covers(compareRatios(arms[0], arms[1]), 4)) covered++;
    }
    expect(Math.abs(rate(covered, experiments, 'CI coverage, ratio metric') - 0.95)).toBeLessThan(binomialTolerance(0.95, experiments));
  });
});

describe('sequential testing with a look every day for 28 days', () => {
  it('keeps the A/A false positive rate ≤ alpha, while naive peeking inflates it', () => {
    const normal = normalGenerator(mulberry32(7));
    const experiments = 1500;
    const usersPerArmPerDay = 90;
    let sequentialPositives = 0;
    let naivePositives = 0;
    let finalDayPositives = 0;
    for (let e = 0; e < experiments; e++) {
      const control = new ArmAccumulator();
      const treatment = new ArmAccumulator();
      let sequentialHit = false;
      let naiveHit = false;
      for (let day = 1; day <= 28; day++) {
        for (let i = 0; i < usersPerArmPerDay; i++) {
          control.add(normal());
          treatment.add(normal());
        }
        const fixed = compareMeans(control.snapshot(), treatment.snapshot());
        naiveHit ||= fixed.significant;
        if (day === 28 && fixed.significant) finalDayPositives++;
        sequentialHit ||= compareMeans(control.snapshot(), treatment.snapshot(), { sequential: {} }).significant;
      }
      if (sequentialHit) sequentialPositives++;
      if (naiveHit) naivePositives++;
    }
    const sequential = rate(sequentialPositives, experiments, 'A/A FPR, sequential (always-valid), 28 daily looks');
    const naive = rate(naivePositives, experiments, 'A/A FPR, naive peeking at fixed-horizon p, 28 daily looks');
    const single = rate(finalDayPositives, experiments, 'A/A FPR, fixed horizon, single look on day 28');
    const tolerance = binomialTolerance(ALPHA, experiments);
    expect(sequential).toBeLessThanOrEqual(ALPHA);
    expect(naive).toBeGreaterThan(ALPHA + tolerance);
    expect(Math.abs(single - ALPHA)).toBeLessThan(tolerance);
  });
});
