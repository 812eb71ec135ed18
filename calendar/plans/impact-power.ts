/**
 * The program impact report's power check (issue 16): what lift the plan expects, which metrics
 * its goal names, the smallest lift the holdout can show, and how many more days it needs.
 * Pure functions; calendar/plans/impact.ts feeds them the measured or planned numbers.
 */
import { minimumDetectableEffect } from '../../stats/index.ts';
import type { Metric } from '../model.ts';

/** Expected combined effect when neither the goal nor a shipped winner says: +10% on the goal metrics. */
export const DEFAULT_EXPECTED_LIFT = 0.1;

export type ExpectedLift = { lift: number; source: 'goal' | 'shipped winners' | 'default' };

/**
 * The plan's expected combined lift: the first percentage of its goal ("+20% 7-day activation"
 * → 0.2; "+20-30% LTV" → the lower end, 0.2), else the sum of the shipped winners' planned
 * MDEs, else +10%.
 * @example expectedProgramLift('+20-30% LTV in 12 months', []) // { lift: 0.2, source: 'goal' }
 */
export function expectedProgramLift(goal: string | null, shippedPlannedMdes: Array<number | null>): ExpectedLift {
  const stated = goal ? /(\d+(?:\.\d+)?)\s*(?:[-–]\s*\d+(?:\.\d+)?\s*)?%/.exec(goal) : null;
  const fromGoal = stated ? Number(stated[1]) / 100 : NaN;
  if (fromGoal > 0 && fromGoal <= 10) return { lift: fromGoal, source: 'goal' };
  const planned = shippedPlannedMdes.filter((m): m is number => m !== null && m > 0);
  if (planned.length) return { lift: planned.reduce((a, b) => a + b, 0), source: 'shipped winners' };
  return { lift: DEFAULT_EXPECTED_LIFT, source: 'default' };
}

/**
 * The metrics the plan's goal names (by name or by key with spaces for underscores, whole words,
 * case-insensitive); all of them when it names none.
 * @example goalMetricKeys('+20% 7-day activation', [{ key: 'activation', name: 'Activation' }, { key: 'signup', name: 'Sign-up' }]) // ['activation']
 */
export function goalMetricKeys(goal: string | null, metrics: Array<Pick<Metric, 'key' | 'name'>>): string[] {
  const text = ` ${(goal ?? '').toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `;
  const words = (s: string) => ` ${s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
  const named = metrics.filter((m) => text.includes(words(m.name)) || text.includes(words(m.key)));
  return (named.length ? named : metrics).map((m) => m.key);
}

/**
 * More days until the holdout can show `expected`, when the standard error shrinks as 1/√N:
 * 1. users needed N' = N · (detectable / expected)²;
 * 2. days = (N' − N) / users a day, plus the metric's window for retention and time to event
 *    (a user counts once it has closed); rounded up.
 * 0 when `detectable` ≤ `expected` already; null without a rate or a detectable lift.
 * @example moreDaysNeeded({ users: 10_000, detectable: 0.2, expected: 0.1, dailyUsers: 1_000, windowDays: 0 }) // 30
 */
export function moreDaysNeeded(input: { users: number; detectable: number | null; expected: number; dailyUsers: number | null; windowDays: number }): number | null {
  const { users, detectable, expected, dailyUsers } = input;
  if (detectable === null || !Number.isFinite(detectable)) return null;
  if (detectable <= expected) return 0;
  if (!(dailyUsers && dailyUsers > 0) || !(users > 0)) return null;
  const needed = users * (detectable / expected) ** 2;
  return Math.ceil((needed - users) / dailyUsers + input.windowDays);
}

/**
 * Before any data: the smallest relative lift a holdout of `share` can show on a metric after
 * `days` days of `dailyUsers` new users, from the metric's baseline (a rate; a mean needs its
 * standard deviation too). Two unequal groups weigh as 2·h·(1−h)·N users per arm (the variance
 * of a difference is σ²(1/n₁ + 1/n₂)). Null when the metric has no usable baseline.
 * @example plannedDetectable({ kind: 'binomial', baseline: 0.12, baselineSd: null }, { dailyUsers: 1500, days: 84, share: 0.05 }) // ≈ 0.1
 */
export function plannedDetectable(metric: Pick<Metric, 'kind' | 'baseline' | 'baselineSd'>, traffic: { dailyUsers: number; days: number; share: number }): number | null {
  const n = 2 * traffic.share * (1 - traffic.share) * traffic.dailyUsers * traffic.days;
  const b = metric.baseline;
  if (!(n >= 2) || b === null) return null;
  if (metric.kind === 'binomial' || metric.kind === 'retention' || metric.kind === 'threshold') {
    return b > 0 && b < 1 ? minimumDetectableEffect({ kind: 'proportion', baseline: b, n, relative: true }) : null;
  }
  if (metric.kind === 'ratio' || !(b > 0) || !(metric.baselineSd !== null && metric.baselineSd > 0)) return null;
  return minimumDetectableEffect({ kind: 'mean', sd: metric.baselineSd, n }) / b;
}
