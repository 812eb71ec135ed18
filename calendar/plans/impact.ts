/**
 * The program impact report of a plan with a holdout (issue 16 item 4): everyone exposed to the
 * plan (its experiments and rolled-out winners) against the held-out users, on the plan's
 * primary metrics of every kind, from each user's first plan exposure up to now. The sums per
 * group come from SQL (`PlanStore.impactStats`); the comparison from stats/ (sequential while
 * the plan runs, so looking every day is allowed). The power check says whether the holdout can
 * show the lift the plan expects on its goal metrics by the plan's end, and how many more days
 * it needs at the current rate of new plan users (impact-power.ts).
 */
import type { Data } from '../../db/store/index.ts';
import type { Metric } from '../model.ts';
import { formatPercent } from '../format.ts';
import { addDaysIso, daysBetween, isoDay } from '../dates.ts';
import { getPlan } from './commands.ts';
import { groupMean, restrictionDays, tryCompare, detectableRelative } from './impact-compare.ts';
import { expectedProgramLift, goalMetricKeys, moreDaysNeeded, plannedDetectable, type ExpectedLift } from './impact-power.ts';

const DAY_MS = 86_400_000;
/** The arrival rate is the plan exposures of the last week (or of the days since the first, at least one). */
const RATE_DAYS = 7;

export type ImpactMetric = {
  key: string; name: string; kind: Metric['kind']; direction: Metric['direction'];
  /** Goal metric: named by the plan's goal (all primaries when it names none); the power check reads these. */
  goal: boolean;
  holdout: { users: number; mean: number | null }; rest: { users: number; mean: number | null };
  /** Users left out because their retention window or time-to-event restriction has not closed yet. */
  waiting: number;
  /** Relative lift of everyone else over the holdout, its CI and p-value; null when not computable. */
  lift: number | null; ci: [number, number] | null; pValue: number | null;
  verdict: 'better' | 'worse' | 'flat' | null;
  /** The smallest relative lift the groups can show now (fixed horizon, 80% power). */
  detectableLift: number | null;
  note: string | null;
};

export type ImpactPower = {
  expectedLift: number; expectedFrom: ExpectedLift['source'];
  /** Largest detectable lift over the goal metrics: measured when there are data, else planned from the plan's traffic. */
  detectableLift: number | null; basis: 'measured' | 'planned' | null;
  /** New plan users a day: measured (last 7 days) or planned (the plan's largest channel). */
  dailyUsers: number | null;
  /** More days until the holdout can show the expected lift on every goal metric; 0 when enough; null when unknown. */
  daysNeeded: number | null; enough: boolean;
  /** Days from now to the plan's end (start + weeks × 7). */
  daysLeft: number;
  assumption: string;
  warning: string | null;
};

export type ProgramImpact = {
  planId: number; planName: string; holdoutShare: number; sequential: boolean;
  shippedWinners: Array<{ key: string; name: string; variant: string }>;
  metrics: ImpactMetric[];
  power: ImpactPower;
};

const pct = (x: number) => formatPercent(x, { sign: 'none', trim: true });
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const windowOf = (m: Metric) => (m.kind === 'retention' ? m.windowDays ?? 0 : m.kind === 'time_to_event' ? restrictionDays(m) : 0);

function kindNote(m: Metric, waiting: number): string | null {
  const parts: string[] = [];
  if (m.kind === 'retention') parts.push(`came back on days ${m.windowStartDays ?? 0}-${m.windowDays} after the first plan exposure`);
  if (m.kind === 'time_to_event') parts.push(`restricted mean hours to ${m.eventName} over ${restrictionDays(m)} days (users without it count ${restrictionDays(m) * 24})`);
  if (waiting > 0) parts.push(`${int(waiting)} users left out until their window closes`);
  return parts.length ? parts.join('; ') : null;
}

/**
 * The program impact of plan `planId` at `nowMs`.
 * @example (await programImpact(data, 1, Date.now())).metrics[0] // { key: 'activation', lift: 0.12, ci: [0.03, 0.21], pValue: 0.01, … }
 */
export async function programImpact(data: Data, planId: number, nowMs: number): Promise<ProgramImpact> {
  const plan = await getPlan(data, planId);
  const experiments = await data.experiments.list({ planId });
  const primary = new Map<string, Metric>();
  for (const e of experiments) {
    for (const link of await data.experiments.metricLinks(e.id)) if (link.role === 'primary') primary.set(link.metric.key, link.metric);
  }
  const shipped = experiments.filter((e) => e.rolloutVariantKey && (e.status === 'concluded' || e.status === 'promoted'));
  const expected = expectedProgramLift(plan.goal, shipped.map((e) => e.plannedMde));
  const sorted = [...primary.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  const goalKeys = new Set(goalMetricKeys(plan.goal, sorted));
  const sequential = plan.status === 'active';
  const metrics: ImpactMetric[] = [];
  const measured: Array<{ metric: Metric; users: number; detectable: number | null }> = [];
  for (const metric of sorted) {
    const { holdout, rest } = await data.plans.impactStats(planId, metric, nowMs);
    const shown = tryCompare(metric, holdout, rest, sequential ? { sequential: {} } : {});
    // The detectable lift is a fixed-horizon figure: the sequential interval is wider by design.
    const fixed = sequential ? tryCompare(metric, holdout, rest, {}).comparison : shown.comparison;
    const detectable = fixed ? detectableRelative(fixed) : null;
    const c = shown.comparison;
    const waiting = holdout.waiting + rest.waiting;
    if (goalKeys.has(metric.key) && fixed) measured.push({ metric, users: holdout.users + rest.users, detectable });
    const noLift = c && !c.relative ? 'the holdout is at 0 on this metric: no relative lift' : null;
    metrics.push({
      key: metric.key, name: metric.name, kind: metric.kind, direction: metric.direction, goal: goalKeys.has(metric.key),
      holdout: { users: holdout.users, mean: groupMean(metric, holdout) }, rest: { users: rest.users, mean: groupMean(metric, rest) }, waiting,
      lift: c?.relative?.estimate ?? null, ci: c?.relative?.ci ?? null, pValue: c?.pValue ?? null,
      verdict: c ? (!c.significant || c.absolute.estimate === 0 ? 'flat' : (c.absolute.estimate > 0) === (metric.direction === 'increase') ? 'better' : 'worse') : null,
      detectableLift: detectable,
      note: [shown.problem, noLift, kindNote(metric, waiting)].filter(Boolean).join('; ') || null
    });
  }
  const power = await powerCheck(data, plan, nowMs, expected, sorted.filter((m) => goalKeys.has(m.key)), measured);
  return {
    planId, planName: plan.name, holdoutShare: plan.holdoutShare, sequential,
    shippedWinners: shipped.map((e) => ({ key: e.key, name: e.name, variant: e.rolloutVariantKey! })),
    metrics, power
  };
}

/**
 * The program impact of every plan with a holdout, newest start first (archived plans left
 * out): what the playbook shows beside the winners it lists.
 * @example (await programImpacts(data, Date.now())).map((i) => i.planName) // ['Q1 retention']
 */
export async function programImpacts(data: Data, nowMs: number): Promise<ProgramImpact[]> {
  const plans = (await data.plans.list()).filter((p) => p.holdoutShare > 0 && p.status !== 'archived');
  return Promise.all(plans.map((p) => programImpact(data, p.id, nowMs)));
}

type PlanRow = Awaited<ReturnType<typeof getPlan>>;

/** The power check of the file comment: measured once the goal metrics can be compared, else planned from the plan's traffic. */
async function powerCheck(
  data: Data, plan: PlanRow, nowMs: number, expected: ExpectedLift, goalMetrics: Metric[],
  measured: Array<{ metric: Metric; users: number; detectable: number | null }>
): Promise<ImpactPower> {
  // Calendar days in the server's time zone, as the scheduler counts them (calendar/dates.ts).
  const daysLeft = Math.max(0, daysBetween(isoDay(nowMs), addDaysIso(plan.startDate, plan.weeks * 7)));
  const goalText = `+${pct(expected.lift)}${expected.source === 'goal' ? ' (the plan\'s goal)' : expected.source === 'shipped winners' ? ' (the shipped winners\' planned lifts added up)' : ' (no goal stated: the default)'}`;
  const base = { expectedLift: expected.lift, expectedFrom: expected.source, daysLeft };
  if (plan.holdoutShare <= 0) {
    return { ...base, detectableLift: null, basis: null, dailyUsers: null, daysNeeded: null, enough: false,
      assumption: 'no holdout', warning: 'the plan has no holdout: its combined effect cannot be measured' };
  }
  if (measured.length) {
    const { users, firstExposedAtMs } = await data.plans.exposureCounts(plan.id, nowMs - RATE_DAYS * DAY_MS, nowMs);
    const rateDays = firstExposedAtMs === null ? RATE_DAYS : Math.max(1, Math.min(RATE_DAYS, (nowMs - firstExposedAtMs) / DAY_MS));
    const dailyUsers = users > 0 ? users / rateDays : null;
    const days = measured.map((m) => moreDaysNeeded({ users: m.users, detectable: m.detectable, expected: expected.lift, dailyUsers, windowDays: windowOf(m.metric) }));
    const daysNeeded = days.some((d) => d === null) ? null : Math.max(...(days as number[]));
    const detectables = measured.map((m) => m.detectable).filter((d): d is number => d !== null);
    const detectableLift = detectables.length ? Math.max(...detectables) : null;
    const enough = daysNeeded === 0;
    const assumption = `Days needed assume new plan users keep arriving at the last ${RATE_DAYS} days' rate (${dailyUsers === null ? 'none yet' : `${int(dailyUsers)} a day`}), ` +
      `each group's mean and spread stay as measured, and the true combined effect is ${goalText}; a retention or time-to-event metric adds its window, since users count once it has closed.`;
    const warning = enough ? null
      : daysNeeded === null || daysNeeded > daysLeft
        ? `the holdout is too small to show ${goalText} by the plan's end: with ${pct(plan.holdoutShare)} held out it can show ${detectableLift === null ? 'no lift yet' : `+${pct(detectableLift)} or more`} now` +
          (daysNeeded === null ? '' : ` and needs about ${int(daysNeeded)} more days at the current rate; the plan ends in ${daysLeft} days`)
        : null;
    return { ...base, detectableLift, basis: 'measured', dailyUsers, daysNeeded, enough, assumption, warning };
  }
  // Before data: the plan's traffic over its whole length. Channels overlap, so the largest one is the estimate of new users a day.
  const dailyUsers = Math.max(0, ...Object.values(plan.dailyTraffic ?? {}));
  const planDays = plan.weeks * 7;
  const planned = goalMetrics.map((m) => ({ m, d: plannedDetectable(m, { dailyUsers, days: planDays, share: plan.holdoutShare }) }))
    .filter((x): x is { m: Metric; d: number } => x.d !== null);
  const worst = planned.sort((a, b) => b.d - a.d)[0] ?? null;
  const assumption = `Planned from the plan's traffic: about ${int(dailyUsers)} new users a day (its largest channel) for its ${planDays} days, ` +
    `the goal metrics' baselines, and a true combined effect of ${goalText}.`;
  const warning = worst === null ? null : worst.d > expected.lift
    ? `the holdout is too small to show ${goalText} in the plan's ${planDays} days: with ${pct(plan.holdoutShare)} held out and about ${int(dailyUsers)} users a day it can show +${pct(worst.d)} or more on ${worst.m.name}`
    : null;
  return { ...base, detectableLift: worst?.d ?? null, basis: worst ? 'planned' : null, dailyUsers: dailyUsers || null,
    daysNeeded: null, enough: false, assumption: worst ? assumption : 'no goal metric with a baseline to plan from yet', warning };
}
