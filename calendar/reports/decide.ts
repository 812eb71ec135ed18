/**
 * Evaluates the pre-registered success criteria mechanically into ship / no-ship /
 * inconclusive / harmful, with the reasons in plain language. Steps:
 *  1. per treatment variant, every lift criterion: passes (lift in the metric's direction at
 *     least the bar and adjusted p below the limit), fails (even the optimistic CI bound is
 *     below the bar), harms (significantly worse) or is not yet decided;
 *  2. every guardrail: non-inferior (passes), significantly worse (harms) or undecided;
 *  3. a variant passing everything wins; a sample ratio mismatch blocks "ship";
 *  4. otherwise harmful if a variant harms, no-ship if every variant fails or the experiment
 *     ended with the users it needed, else inconclusive with the users and days still needed.
 */
import type { CriterionRow } from './load.ts';
import type { ComputedDecision, Health, MetricResult } from './types.ts';
import { formatPercent } from '../format.ts';

const pct = (x: number | null | undefined) => formatPercent(x, { sign: 'nonnegative' });
const pFmt = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** Below this chance to beat control, a guardrail that is not significantly worse still reads "trending worse". */
export const TRENDING_WORSE = 0.2;

export type DecideInput = {
  metrics: MetricResult[];
  criteria: CriterionRow[];
  health: Health;
  treatmentKeys: string[];
  ended: boolean;
  alpha: number;
};

type LiftCriterion = { metricKey: string; minRelativeLift: number; maxPValue: number };
type VariantVerdict = {
  variant: string; passes: string[]; fails: string[]; harms: string[]; open: string[];
  liftPasses: number; openGuardrails: number; primaryLift: number | null;
  /** How many times the current sample the undecided guardrails need (the largest); null when unknown. */
  guardrailScale: number | null;
};

function liftCriteria(input: DecideInput): { list: LiftCriterion[]; fallback: boolean } {
  const explicit = input.criteria.filter((c) => c.kind === 'lift' && c.metricKey)
    .map((c) => ({ metricKey: c.metricKey!, minRelativeLift: c.minRelativeLift ?? 0, maxPValue: c.maxPValue ?? input.alpha }));
  if (explicit.length) return { list: explicit, fallback: false };
  const primaries = input.metrics.filter((m) => m.role === 'primary')
    .map((m) => ({ metricKey: m.key, minRelativeLift: 0, maxPValue: input.alpha }));
  return { list: primaries, fallback: true };
}

function judgeVariant(variant: string, input: DecideInput, lifts: LiftCriterion[]): VariantVerdict {
  const v: VariantVerdict = { variant, passes: [], fails: [], harms: [], open: [], liftPasses: 0, openGuardrails: 0, primaryLift: null, guardrailScale: null };
  for (const criterion of lifts) {
    const metric = input.metrics.find((m) => m.key === criterion.metricKey);
    const c = metric?.comparisons.find((x) => x.variant === variant);
    if (!metric || !c || !c.relative) {
      v.open.push(`${criterion.metricKey}: no comparable data for ${variant} yet.`);
      continue;
    }
    const sign = metric.direction === 'increase' ? 1 : -1;
    const goodLift = sign * c.relative.estimate;
    const bestCase = sign > 0 ? c.relative.ciHigh : -c.relative.ciLow;
    if (v.primaryLift === null) v.primaryLift = goodLift;
    const said = `${metric.name} ${pct(c.relative.estimate)} (CI ${pct(c.relative.ciLow)} to ${pct(c.relative.ciHigh)}, adjusted ${pFmt(c.adjustedPValue)})`;
    const bar = `${pct(sign * criterion.minRelativeLift)} and p < ${criterion.maxPValue}`;
    if (c.verdict === 'worse') v.harms.push(`${variant}: ${said} is significantly worse than control.`);
    else if (goodLift >= criterion.minRelativeLift && goodLift > 0 && c.adjustedPValue < criterion.maxPValue) {
      v.passes.push(`${variant}: ${said} meets the bar of ${bar}.`);
      v.liftPasses++;
    }
    else if (bestCase < criterion.minRelativeLift) v.fails.push(`${variant}: ${said}; even the optimistic end of the interval misses the bar of ${bar}.`);
    else v.open.push(`${variant}: ${said} does not yet meet the bar of ${bar}.`);
  }
  for (const criterion of input.criteria.filter((c) => c.kind === 'guardrail' && c.metricKey)) {
    const metric = input.metrics.find((m) => m.key === criterion.metricKey);
    const c = metric?.comparisons.find((x) => x.variant === variant);
    if (criterion.maxRelativeDegradation === null) {
      // Monitor only (no margin the traffic could show): it fails only when significantly worse.
      if (!metric || !c) continue;
      const moved = c.relative ? pct(c.relative.estimate) : 'n/a';
      if (c.verdict === 'worse') v.harms.push(`Guardrail ${metric.name} (monitor only): ${variant} is significantly worse (${moved}, ${pFmt(c.pValue)}).`);
      else {
        const said = `(${moved}, ${pFmt(c.pValue)}, chance to beat control ${Math.round(100 * c.chanceToBeatControl)}%)`;
        v.passes.push(c.chanceToBeatControl < TRENDING_WORSE
          ? `Guardrail ${metric.name} (monitor only, no margin): ${variant} is trending worse ${said}, though not significantly; watch it after shipping.`
          : `Guardrail ${metric.name} (monitor only, no margin): ${variant} is not significantly worse ${said}.`);
      }
      continue;
    }
    const g = metric?.guardrails.find((x) => x.variant === variant);
    if (!metric || !g || !c) {
      v.open.push(`Guardrail ${criterion.metricKey}: no comparable data for ${variant} yet.`);
      v.openGuardrails++;
      v.guardrailScale = Infinity; // unknown until there is data
      continue;
    }
    const limit = `${Math.round(100 * g.maxRelativeDegradation * 10) / 10}%`;
    const relative = c.relative ? pct(c.relative.estimate) : 'n/a';
    if (c.verdict === 'worse') v.harms.push(`Guardrail ${metric.name}: ${variant} is significantly worse (${relative}, ${pFmt(c.pValue)}).`);
    else if (g.nonInferior) v.passes.push(`Guardrail ${metric.name}: ${variant} is at worst ${pct(g.worstRelativeChange)}, within the ${limit} limit.`);
    else {
      v.openGuardrails++;
      v.open.push(`Guardrail ${metric.name}: cannot yet rule out that ${variant} is more than ${limit} worse (worst plausible ${pct(g.worstRelativeChange)}).`);
      v.guardrailScale = Math.max(v.guardrailScale ?? 0, g.sampleScaleNeeded ?? Infinity);
    }
  }
  return v;
}

/** Users and days still needed to reach `target` users in all (default: the primary metric's need). */
function neededMore(health: Health, target: number | null = health.usersNeeded): ComputedDecision['needed'] {
  if (target === null) return null;
  const users = Math.max(0, target - health.usersExposed);
  const perDay = health.daysRun > 0 ? health.usersExposed / health.daysRun : 0;
  const byUsers = users === 0 ? 0 : perDay > 0 ? Math.ceil(users / perDay) : null;
  const byPlan = Math.max(0, Math.ceil(health.daysPlanned - health.daysRun));
  return { users, days: byUsers === null ? null : Math.max(byUsers, byPlan) };
}

/** Evaluates the success criteria into a decision with plain-language reasons. */
export function decide(input: DecideInput): ComputedDecision {
  const { list: lifts, fallback } = liftCriteria(input);
  const srmBlocked = input.health.srm?.mismatch ?? false;
  const verdicts = input.treatmentKeys.map((k) => judgeVariant(k, input, lifts));
  const preface = fallback ? ['No structured lift criterion was written; any significant improvement of the primary metric counts.'] : [];
  const srmReason = srmBlocked ? ['Sample ratio mismatch: the traffic split differs from the configuration, so no result can be trusted until it is explained.'] : [];
  const primaryOf = (variant: string | null): ComputedDecision['primary'] => {
    const criterion = lifts[0];
    const metric = criterion && input.metrics.find((m) => m.key === criterion.metricKey);
    const c = metric && (variant ? metric.comparisons.find((x) => x.variant === variant) : [...metric.comparisons].sort((a, b) => a.adjustedPValue - b.adjustedPValue)[0]);
    if (!metric || !c) return null;
    return { metric: metric.key, variant: c.variant, relativeLift: c.relative?.estimate ?? null, ciLow: c.relative?.ciLow ?? null, ciHigh: c.relative?.ciHigh ?? null, pValue: c.adjustedPValue };
  };
  const base = { blockedBySrm: false, needed: null } as const;

  if (input.health.usersExposed === 0 || lifts.length === 0) {
    const why = lifts.length === 0 ? 'The experiment has no primary metric or lift criterion to decide on.' : 'No users have been exposed yet.';
    return { ...base, outcome: 'inconclusive', winningVariant: null, reasons: [why], needed: neededMore(input.health), primary: null };
  }
  const winners = verdicts.filter((v) => v.harms.length === 0 && v.fails.length === 0 && v.open.length === 0 && v.passes.length > 0)
    .sort((a, b) => (b.primaryLift ?? 0) - (a.primaryLift ?? 0));
  if (winners.length && srmBlocked) {
    return {
      ...base, outcome: 'inconclusive', winningVariant: null, blockedBySrm: true, primary: primaryOf(winners[0].variant),
      reasons: [...srmReason, `${winners[0].variant} met every success criterion, but "ship" is blocked until the mismatch is explained.`, ...winners[0].passes]
    };
  }
  if (winners.length) {
    const w = winners[0];
    const others = winners.slice(1).map((o) => `${o.variant} also met every criterion, with a smaller primary lift.`);
    return { ...base, outcome: 'ship', winningVariant: w.variant, primary: primaryOf(w.variant), reasons: [...preface, `Ship ${w.variant}: it met every success criterion.`, ...w.passes, ...others] };
  }
  const harmful = verdicts.filter((v) => v.harms.length);
  if (harmful.length) {
    return { ...base, outcome: 'harmful', winningVariant: null, primary: primaryOf(harmful[0].variant), reasons: [...srmReason, ...harmful.flatMap((v) => v.harms), 'Stop the harmful variant(s) and do not ship.'] };
  }
  // Met every lift bar, but a guardrail could not yet be shown within its limit. Of several
  // such variants, the one whose guardrails need the fewest users is named.
  const known = (v: VariantVerdict) => v.guardrailScale !== null && Number.isFinite(v.guardrailScale) && v.guardrailScale > 1;
  const guardrailPending = verdicts
    .filter((v) => v.liftPasses === lifts.length && v.fails.length === 0 && v.open.length > 0 && v.openGuardrails === v.open.length)
    .sort((a, b) => (known(a) ? a.guardrailScale! : Infinity) - (known(b) ? b.guardrailScale! : Infinity))[0];
  if (guardrailPending) {
    // The sample at which the final (fixed-horizon) one-sided tests of its undecided guardrails
    // reach 80% power if the variant truly changes nothing there. Unknown when a guardrail has
    // no data, or when that sample is already reached (an adverse estimate keeps it open).
    const target = known(guardrailPending) ? Math.ceil(input.health.usersExposed * guardrailPending.guardrailScale!) : null;
    const needed = target === null ? null : neededMore(input.health, target);
    const howMany = needed && needed.users > 0
      ? `about ${needed.users.toLocaleString('en-US')} more users${needed.days === null ? '' : ` (≈ ${needed.days.toLocaleString('en-US')} more days at the current rate)`} are needed for that (80% power in the final fixed-horizon test if ${guardrailPending.variant} truly changes nothing there).`
      : 'more users are needed before shipping.';
    return {
      ...base, outcome: 'inconclusive', winningVariant: null, needed, primary: primaryOf(guardrailPending.variant),
      reasons: [...srmReason, `${guardrailPending.variant} met the lift criteria, but a guardrail could not yet be shown to stay within its limit: ${howMany}`,
        ...guardrailPending.passes, ...guardrailPending.open]
    };
  }
  const allFailed = verdicts.every((v) => v.fails.length > 0);
  const needed = neededMore(input.health);
  const enough = input.health.usersNeeded !== null && input.health.usersExposed >= input.health.usersNeeded;
  // Ended without the sample the plan needed (or with no way to know it): inconclusive, so
  // plan-again can re-run it with enough users; only an adequately sized test is a no-ship.
  if (allFailed || (input.ended && enough)) {
    const why = allFailed ? 'No variant can reach the success criteria.' : 'The experiment ended without any variant meeting the success criteria.';
    return { ...base, outcome: 'no-ship', winningVariant: null, primary: primaryOf(null), reasons: [...srmReason, ...preface, why, ...verdicts.flatMap((v) => [...v.fails, ...v.open])] };
  }
  const more = needed && needed.users > 0
    ? `About ${needed.users.toLocaleString('en-US')} more users${needed.days === null ? '' : ` (≈ ${needed.days.toLocaleString('en-US')} more days at the current rate)`} are needed for the planned effect.`
    : needed && needed.days ? `Keep running for the planned duration (≈ ${needed.days.toLocaleString('en-US')} more days).` : 'Not enough evidence yet.';
  return {
    ...base, outcome: 'inconclusive', winningVariant: null, needed, primary: primaryOf(null),
    reasons: [...srmReason, ...preface, more, ...verdicts.flatMap((v) => [...v.open, ...v.fails, ...v.passes])]
  };
}
