/**
 * From per-variant sufficient statistics to comparisons against control, using `stats/`
 * only: proportions (binomial, retention, threshold), Welch means (count, sum, and time to
 * event as a restricted mean), delta-method ratios (ratio).
 */
import type { GroupAggregate, MetricSums } from '../../db/store/index.ts';
import {
  adjustPValues, chanceToBeatControl, compareMeans, compareProportions, compareRatios, nonInferiorityScale,
  restrictedMeanStats, testNonInferiority, StatsInputError, type Comparison, type CompareOptions, type MeanStats
} from '../../stats/index.ts';
import type { MetricKind } from '../model.ts';
import type { ComparisonResult, Correction, GuardrailResult, MetricResult } from './types.ts';
import type { CriterionRow, MetricRow } from './load.ts';

export type CompareSettings = { alpha: number; sequentialTuning: number | null; controlKey: string; variantKeys: string[] };

const HOURS_PER_DAY = 24;

/** A time-to-event arm as the mean of min(hours to the event, restriction): see stats' `restrictedMeanStats`. */
function timeToEventStats(users: number, sums: MetricSums, windowDays: number): MeanStats {
  return restrictedMeanStats({
    n: users, events: sums.sumDenominator, sumTimes: sums.sum, sumTimeSquares: sums.sumSquares, restriction: windowDays * HOURS_PER_DAY
  });
}

/** Kinds whose per-user value is 0 or 1, compared as proportions. */
const proportionKinds: ReadonlySet<MetricKind> = new Set(['binomial', 'retention', 'threshold']);

function armMean(kind: MetricKind, users: number, sums: MetricSums, windowDays: number): number | null {
  if (kind === 'ratio') return sums.sumDenominator === 0 ? null : sums.sum / sums.sumDenominator;
  if (users === 0) return null;
  if (kind === 'time_to_event') return timeToEventStats(users, sums, windowDays).sum / users;
  return sums.sum / users;
}

function compareArms(kind: MetricKind, c: GroupAggregate, t: GroupAggregate, i: number, windowDays: number, options: CompareOptions): Comparison {
  const cs = c.metrics[i];
  const ts = t.metrics[i];
  if (proportionKinds.has(kind)) return compareProportions({ n: c.users, conversions: cs.sum }, { n: t.users, conversions: ts.sum }, options);
  if (kind === 'time_to_event') {
    return compareMeans(timeToEventStats(c.users, cs, windowDays), timeToEventStats(t.users, ts, windowDays), options);
  }
  if (kind === 'ratio') {
    const ratio = (a: GroupAggregate, s: MetricSums) => ({
      n: a.users, sumNumerator: s.sum, sumDenominator: s.sumDenominator, sumNumeratorSquares: s.sumSquares,
      sumDenominatorSquares: s.sumDenominatorSquares, sumCrossProducts: s.sumCrossProducts
    });
    return compareRatios(ratio(c, cs), ratio(t, ts), options);
  }
  return compareMeans({ n: c.users, sum: cs.sum, sumSquares: cs.sumSquares }, { n: t.users, sum: ts.sum, sumSquares: ts.sumSquares }, options);
}

function verdictOf(c: Comparison, significant: boolean, direction: 'increase' | 'decrease'): ComparisonResult['verdict'] {
  if (!significant || c.absolute.estimate === 0) return 'flat';
  return (c.absolute.estimate > 0) === (direction === 'increase') ? 'better' : 'worse';
}

/**
 * Non-inferiority of a guardrail, "no more than `maxDegradation` (relative) worse".
 * Fixed horizon: the one-sided test of `stats/testNonInferiority`. Sequential: the bad-side
 * bound of the always-valid interval must stay inside the margin (valid at any look).
 */
function guardrailCheck(c: Comparison, direction: 'increase' | 'decrease', maxDegradation: number, sequential: boolean, alpha: number, variant: string): GuardrailResult {
  const margin = maxDegradation * Math.abs(c.control);
  const higherIsBetter = direction === 'increase';
  if (!(margin > 0)) {
    // "Not worse at all" (or a control at 0): a non-inferiority test with margin 0 would be a
    // superiority test, which is not what such a guardrail means, so it holds unless the variant
    // is significantly worse. This is weaker than any positive margin: templates state one.
    const worse = c.significant && (c.absolute.estimate > 0) !== higherIsBetter && c.absolute.estimate !== 0;
    const bound = higherIsBetter ? c.absolute.ci[0] : c.absolute.ci[1];
    return { variant, maxRelativeDegradation: maxDegradation, worstRelativeChange: c.control === 0 ? null : bound / Math.abs(c.control), nonInferior: !worse, pValue: null, sampleScaleNeeded: null };
  }
  const sampleScaleNeeded = Number.isFinite(c.absolute.se) ? nonInferiorityScale({ se: c.absolute.se, margin, alpha }) : null;
  if (sequential) {
    const bound = higherIsBetter ? c.absolute.ci[0] : c.absolute.ci[1];
    const nonInferior = higherIsBetter ? bound > -margin : bound < margin;
    return { variant, maxRelativeDegradation: maxDegradation, worstRelativeChange: bound / Math.abs(c.control), nonInferior, pValue: null, sampleScaleNeeded };
  }
  const test = testNonInferiority(c, { margin, higherIsBetter, alpha });
  return { variant, maxRelativeDegradation: maxDegradation, worstRelativeChange: test.bound / Math.abs(c.control), nonInferior: test.nonInferior, pValue: test.pValue, sampleScaleNeeded };
}

/**
 * One metric's result in one group of users (all users, or one segment): arm means and a
 * comparison of each treatment with control. p-values are unadjusted here (`applyCorrection`).
 */
export function compareMetric(
  metric: MetricRow, index: number, windowDays: number, cap: number | null,
  aggregates: GroupAggregate[], criteria: CriterionRow[], settings: CompareSettings
): MetricResult {
  const byVariant = new Map(aggregates.map((a) => [a.variant, a]));
  const empty = (variant: string): GroupAggregate => ({
    variant, day: null, segment: null, users: 0, conflicted: 0,
    metrics: aggregates[0]?.metrics.map(() => ({ sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0 })) ?? []
  });
  const arm = (variant: string) => byVariant.get(variant) ?? empty(variant);
  const direction = metric.direction;
  const result: MetricResult = {
    key: metric.key, name: metric.name, kind: metric.kind, role: metric.role, direction, windowDays, cap,
    arms: settings.variantKeys.map((variant) => {
      const a = arm(variant);
      return { variant, users: a.users, mean: a.metrics.length ? armMean(metric.kind, a.users, a.metrics[index], windowDays) : null };
    }),
    comparisons: [], guardrails: [], notes: []
  };
  const control = arm(settings.controlKey);
  const options: CompareOptions = { alpha: settings.alpha, ...(settings.sequentialTuning ? { sequential: { tuning: settings.sequentialTuning } } : {}) };
  const guardrailCriteria = criteria.filter((c) => c.kind === 'guardrail' && c.metricKey === metric.key && c.maxRelativeDegradation !== null);
  for (const variant of settings.variantKeys.filter((k) => k !== settings.controlKey)) {
    const treatment = arm(variant);
    if (control.users < 2 || treatment.users < 2 || !control.metrics.length) {
      result.notes.push(`${variant}: not enough users to compare yet (control ${control.users}, ${variant} ${treatment.users}).`);
      continue;
    }
    let c: Comparison;
    try {
      c = compareArms(metric.kind, control, treatment, index, windowDays, options);
    } catch (err) {
      if (!(err instanceof StatsInputError)) throw err;
      result.notes.push(`${variant}: cannot compare yet (${err.message}).`);
      continue;
    }
    const chance = chanceToBeatControl(c);
    result.comparisons.push({
      variant, control: c.control, treatment: c.treatment,
      absolute: { estimate: c.absolute.estimate, ciLow: c.absolute.ci[0], ciHigh: c.absolute.ci[1] },
      relative: c.relative && { estimate: c.relative.estimate, ciLow: c.relative.ci[0], ciHigh: c.relative.ci[1] },
      pValue: c.pValue, adjustedPValue: c.pValue,
      chanceToBeatControl: direction === 'increase' ? chance : 1 - chance,
      significant: c.significant, verdict: verdictOf(c, c.significant, direction)
    });
    for (const g of guardrailCriteria) {
      result.guardrails.push(guardrailCheck(c, direction, g.maxRelativeDegradation!, settings.sequentialTuning !== null, settings.alpha, variant));
    }
  }
  return result;
}

/**
 * Adjusts the p-values of the goal metrics (primary and secondary) across metrics and
 * treatment variants as one family, in place; guardrails stay unadjusted so that a harm
 * alarm is not made less sensitive by the number of goals.
 */
export function applyCorrection(results: MetricResult[], correction: Correction, alpha: number): void {
  const family = results.filter((m) => m.role !== 'guardrail').flatMap((m) => m.comparisons.map((c) => ({ m, c })));
  if (correction === 'none' || family.length === 0) return;
  const adjusted = adjustPValues(family.map(({ c }) => c.pValue), correction);
  family.forEach(({ m, c }, i) => {
    c.adjustedPValue = adjusted[i];
    c.significant = adjusted[i] < alpha;
    const up = c.absolute.estimate > 0;
    c.verdict = !c.significant || c.absolute.estimate === 0 ? 'flat' : up === (m.direction === 'increase') ? 'better' : 'worse';
  });
}
