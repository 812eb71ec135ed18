import { nonInferiorityScale, requiredSampleSize } from '../../stats/index.ts';
import { formatPercent } from '../format.ts';

/** What a power check needs; all rates and effects are fractions (0.12 = 12%). */
export type PowerInput = {
  /** Baseline rate of the primary (binomial) metric. */
  baseline: number | null;
  /** Minimum relative lift to detect (0.2 = +20%). */
  mde: number | null;
  alpha?: number;
  power?: number;
  /** Users per day entering the experiment (all arms together). */
  dailyUsers: number | null;
  /** Variant weights; the smallest arm sets the pace. */
  weights: number[];
  /** Share of eligible traffic included, 0..1. */
  coverage?: number;
  plannedDays: number;
};

export type PowerCheck = {
  status: 'ok' | 'too-short' | 'unknown';
  /** Users needed in each arm, and overall given the weights; null when unknown. */
  perArm: number | null;
  totalUsers: number | null;
  daysNeeded: number | null;
  plannedDays: number;
  message: string;
};

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (x: number) => formatPercent(x, { sign: 'none', trim: true });

/**
 * From users per arm to days: the smallest arm sets the pace (total = perArm / its share of the
 * weights; two equal arms when fewer than two are given), at the daily users times the coverage.
 */
function daysFor(perArm: number, eligibleDailyUsers: number, input: Pick<PowerInput, 'weights' | 'coverage' | 'plannedDays'>) {
  const weights = input.weights.length >= 2 ? input.weights : [0.5, 0.5];
  const smallest = Math.min(...weights) / weights.reduce((a, b) => a + b, 0);
  const totalUsers = Math.ceil(perArm / smallest);
  const dailyUsers = eligibleDailyUsers * (input.coverage ?? 1);
  const daysNeeded = Math.ceil(totalUsers / dailyUsers);
  const status: PowerCheck['status'] = daysNeeded > input.plannedDays ? 'too-short' : 'ok';
  return { totalUsers, dailyUsers, daysNeeded, status };
}

/**
 * Days an experiment needs to detect `mde` on `baseline` (two-sided z-test for two
 * proportions, `stats/requiredSampleSize`), and a sentence saying so.
 * 1. users per arm for the smallest arm; 2. total = perArm / smallest weight;
 * 3. days = ceil(total / (daily users × coverage)).
 * @example powerCheck({ baseline: 0.12, mde: 0.2, dailyUsers: 1200, weights: [0.5, 0.5], plannedDays: 14 }).message
 * // 'enough: needs 6 days at 1,200 users/day to detect +20% on a 12% baseline; planned 14'
 */
export function powerCheck(input: PowerInput): PowerCheck {
  const unknown = (message: string): PowerCheck =>
    ({ status: 'unknown', perArm: null, totalUsers: null, daysNeeded: null, plannedDays: input.plannedDays, message });
  if (input.baseline === null || !(input.baseline > 0 && input.baseline < 1)) {
    return unknown('no baseline rate for the primary metric: enter one on the metric or the experiment');
  }
  if (input.mde === null || !(input.mde > 0)) {
    return unknown('no minimum lift in the success criteria: add one to check the duration');
  }
  if (input.baseline * (1 + input.mde) >= 1) {
    return unknown(`a lift of +${pct(input.mde)} on a ${pct(input.baseline)} baseline is above 100%`);
  }
  if (input.dailyUsers === null || !(input.dailyUsers > 0)) {
    return unknown('no daily traffic for this channel or audience in the plan');
  }
  const perArm = requiredSampleSize({
    kind: 'proportion', baseline: input.baseline, mde: input.mde, relative: true,
    alpha: input.alpha ?? 0.05, power: input.power ?? 0.8
  });
  const { totalUsers, dailyUsers, daysNeeded, status } = daysFor(perArm, input.dailyUsers, input);
  const what = `${daysNeeded} ${daysNeeded === 1 ? 'day' : 'days'} at ${int(dailyUsers)} users/day to detect +${pct(input.mde)} on a ${pct(input.baseline)} baseline`;
  const message = `${status === 'too-short' ? '' : 'enough: '}needs ${what}; planned ${input.plannedDays}`;
  return { status, perArm, totalUsers, daysNeeded, plannedDays: input.plannedDays, message };
}

/** What a guardrail's power check needs: its rate, the relative loss it tolerates, and the traffic. */
export type GuardrailPowerInput = Omit<PowerInput, 'mde'> & { metricKey: string; maxRelativeDegradation: number };
export type GuardrailPowerCheck = PowerCheck & { metricKey: string };

/**
 * Days an experiment needs to show a rate guardrail no more than `maxRelativeDegradation`
 * worse, as the report tests it (one-sided non-inferiority at the margin, 80% power, the
 * variant truly changing nothing there; `stats/nonInferiorityScale`).
 * 1. users per arm: the scale from one user per arm, whose difference has the standard error
 *    √(2p(1−p)), to the sample where the margin p × maxRelativeDegradation is reached;
 * 2. total and days as in `powerCheck`.
 * @example guardrailPowerCheck({ metricKey: 'unsubscribe', baseline: 0.015, maxRelativeDegradation: 0.05, dailyUsers: 1200, weights: [1, 1], plannedDays: 14 }).message
 * // 'guardrail unsubscribe, at most 5% worse on a 1.5% baseline: needs 542 days at 1,200 users/day; planned 14'
 */
export function guardrailPowerCheck(input: GuardrailPowerInput): GuardrailPowerCheck {
  const { metricKey, baseline, maxRelativeDegradation: loss } = input;
  const unknown = (why: string): GuardrailPowerCheck =>
    ({ metricKey, status: 'unknown', perArm: null, totalUsers: null, daysNeeded: null, plannedDays: input.plannedDays, message: `guardrail ${metricKey}: ${why}` });
  if (baseline === null || !(baseline > 0 && baseline < 1)) return unknown('no baseline rate to check its sample');
  if (!(loss > 0)) return unknown('no margin: it holds unless the variant is significantly worse');
  if (input.dailyUsers === null || !(input.dailyUsers > 0)) return unknown('no daily traffic for this channel or audience in the plan');
  const perArm = Math.ceil(nonInferiorityScale({
    se: Math.sqrt(2 * baseline * (1 - baseline)), margin: loss * baseline, alpha: input.alpha ?? 0.05, power: input.power ?? 0.8
  }));
  const { totalUsers, dailyUsers, daysNeeded, status } = daysFor(perArm, input.dailyUsers, input);
  const message = `guardrail ${metricKey}, at most ${pct(loss)} worse on a ${pct(baseline)} baseline: ${status === 'too-short' ? '' : 'enough: '}` +
    `needs ${int(daysNeeded)} ${daysNeeded === 1 ? 'day' : 'days'} at ${int(dailyUsers)} users/day; planned ${input.plannedDays}`;
  return { metricKey, status, perArm, totalUsers, daysNeeded, plannedDays: input.plannedDays, message };
}

/**
 * Daily users for an experiment from the plan's traffic table: the audience's figure when the
 * plan lists the audience, else the first of the experiment's channels that has a figure.
 * @example dailyUsersFor({ email: 1200 }, ['in-app', 'email'], null) // { dailyUsers: 1200, source: 'email' }
 */
export function dailyUsersFor(
  dailyTraffic: Record<string, number>, channels: string[], audience: string | null
): { dailyUsers: number | null; source: string | null } {
  if (audience && dailyTraffic[audience] !== undefined) return { dailyUsers: dailyTraffic[audience]!, source: audience };
  const channel = channels.find((c) => dailyTraffic[c] !== undefined);
  return channel ? { dailyUsers: dailyTraffic[channel]!, source: channel } : { dailyUsers: null, source: null };
}
