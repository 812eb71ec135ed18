/**
 * The decision table for `decide()` (GrowthBook's cases.json style): each case is
 * `[name, given, expected]`. `given` holds raw per-variant results (relative lift with its CI and
 * the unadjusted p-value) the way `compareMetric` produces them; `decideInputOf` then runs the
 * report's own multiple-testing step (`applyCorrection`, as `buildReport` does) before `decide()`.
 * Numbers: control rate 10%, 20,000 users over 10 of 14 planned days, 6,000 needed.
 */
import type { CriterionRow } from './load.ts';
import { applyCorrection } from './compare.ts';
import type { DecideInput } from './decide.ts';
import type { ComparisonResult, ComputedDecision, Correction, GuardrailResult, Health, MetricResult } from './types.ts';

/** `absolute`: the absolute difference when there is no relative lift (a control at 0); by default the lift times the control rate. */
type ComparisonSpec = { variant: string; lift: [estimate: number, ciLow: number, ciHigh: number] | null; p: number; absolute?: [estimate: number, ciLow: number, ciHigh: number] };
type GuardrailSpec = { variant: string; nonInferior: boolean; worst: number | null; limit: number; scale?: number | null };
type MetricSpec = {
  key: string; role: MetricResult['role']; direction?: MetricResult['direction'];
  comparisons: ComparisonSpec[]; guardrails?: GuardrailSpec[];
};
type CriterionSpec = Pick<CriterionRow, 'kind'> & Partial<Pick<CriterionRow, 'metricKey' | 'minRelativeLift' | 'maxPValue' | 'maxRelativeDegradation'>>;

export type DecideGiven = {
  metrics: MetricSpec[];
  criteria: CriterionSpec[];
  correction: Correction;
  treatments: string[];
  ended: boolean;
  health?: Partial<Health>;
};
export type DecideExpected = Pick<ComputedDecision, 'outcome' | 'winningVariant' | 'blockedBySrm' | 'needed' | 'reasons'> & {
  /** The primary result named: variant and its adjusted p-value (null when none). */
  primary: { metric: string; variant: string; pValue: number } | null;
};
export type DecideCase = [name: string, given: DecideGiven, expected: DecideExpected];

const ALPHA = 0.05;
const CONTROL_RATE = 0.1;

export const baseHealth: Health = {
  srm: null, exposuresByDay: [], multipleVariantUsers: 0, daysRun: 10, daysPlanned: 14, usersExposed: 20_000,
  usersNeeded: 6_000, usersNeededBasis: 'activation', warnings: []
};
const srmMismatch: Health['srm'] = {
  pValue: 1e-9, chiSquare: 37.5, mismatch: true, observed: { control: 10_900, treatment: 9_100 }, expectedShare: { control: 0.5, treatment: 0.5 }
};

function comparison(spec: ComparisonSpec, direction: MetricResult['direction']): ComparisonResult {
  const [estimate, ciLow, ciHigh] = spec.lift ?? [0, 0, 0];
  const [absolute, absoluteLow, absoluteHigh] = spec.absolute ?? [CONTROL_RATE * estimate, CONTROL_RATE * ciLow, CONTROL_RATE * ciHigh];
  const significant = spec.p < ALPHA;
  const up = absolute > 0;
  return {
    variant: spec.variant, control: CONTROL_RATE, treatment: CONTROL_RATE + absolute,
    absolute: { estimate: absolute, ciLow: absoluteLow, ciHigh: absoluteHigh },
    relative: spec.lift && { estimate, ciLow, ciHigh },
    pValue: spec.p, adjustedPValue: spec.p, chanceToBeatControl: 0.5, significant,
    verdict: !significant || absolute === 0 ? 'flat' : up === (direction === 'increase') ? 'better' : 'worse'
  };
}

/** The input `buildReport` would hand to `decide()`: raw comparisons, then the correction over the goal metrics. */
export function decideInputOf(given: DecideGiven): DecideInput {
  const metrics: MetricResult[] = given.metrics.map((m) => {
    const direction = m.direction ?? 'increase';
    return {
      key: m.key, name: m.key, kind: 'binomial', role: m.role, direction, windowDays: 7, cap: null, arms: [],
      comparisons: m.comparisons.map((c) => comparison(c, direction)),
      guardrails: (m.guardrails ?? []).map((g): GuardrailResult => ({
        variant: g.variant, maxRelativeDegradation: g.limit, worstRelativeChange: g.worst, nonInferior: g.nonInferior,
        pValue: null, sampleScaleNeeded: g.scale ?? null
      })),
      notes: []
    };
  });
  applyCorrection(metrics, given.correction, ALPHA);
  const criteria: CriterionRow[] = given.criteria.map((c, i) => ({
    id: i + 1, experimentId: 1, kind: c.kind, metricKey: c.metricKey ?? null, minRelativeLift: c.minRelativeLift ?? null,
    maxPValue: c.maxPValue ?? null, maxRelativeDegradation: c.maxRelativeDegradation ?? null, description: `${c.kind} ${c.metricKey ?? ''}`
  }));
  return { metrics, criteria, health: { ...baseHealth, ...given.health }, treatmentKeys: given.treatments, ended: given.ended, alpha: ALPHA };
}

// Building blocks.
const liftAtLeast = (minRelativeLift: number, metricKey = 'activation', maxPValue: number | null = 0.05): CriterionSpec =>
  ({ kind: 'lift', metricKey, minRelativeLift, maxPValue });
const guardrailAtMost = (maxRelativeDegradation: number, metricKey = 'unsubscribe'): CriterionSpec =>
  ({ kind: 'guardrail', metricKey, maxRelativeDegradation });
const activation = (...comparisons: ComparisonSpec[]): MetricSpec => ({ key: 'activation', role: 'primary', comparisons });
const secondary = (key: string, ...comparisons: ComparisonSpec[]): MetricSpec => ({ key, role: 'secondary', comparisons });
const unsubscribe = (comparisons: ComparisonSpec[], guardrails: GuardrailSpec[]): MetricSpec =>
  ({ key: 'unsubscribe', role: 'guardrail', direction: 'decrease', comparisons, guardrails });
const t = (lift: ComparisonSpec['lift'], p: number, variant = 'treatment'): ComparisonSpec => ({ variant, lift, p });
const running: Pick<DecideGiven, 'correction' | 'treatments' | 'ended'> = { correction: 'holm', treatments: ['treatment'], ended: false };
/** A +30% activation lift against ">= 20%, p < 0.05" whose adjusted p decides: ship below 0.05, else keep running. */
function adjustedOutcome(adjusted: number, said: string): DecideExpected {
  const primary = { metric: 'activation', variant: 'treatment', pValue: adjusted };
  const result = `treatment: activation ${said}, adjusted p = ${adjusted.toFixed(3)})`;
  return adjusted < 0.05
    ? { outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null, primary,
      reasons: ['Ship treatment: it met every success criterion.', `${result} meets the bar of +20.0% and p < 0.05.`] }
    : { outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 }, primary,
      reasons: ['Keep running for the planned duration (≈ 4 more days).', `${result} does not yet meet the bar of +20.0% and p < 0.05.`] };
}

export const decideCases: DecideCase[] = [
  // --- Lift against the bar ---------------------------------------------------------------
  ['lift above the bar: +30% against >= 20% ships', {
    ...running, metrics: [activation(t([0.3, 0.15, 0.45], 0.001))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['lift exactly at the bar: +20% against >= 20% ships', {
    ...running, metrics: [activation(t([0.2, 0.1, 0.3], 0.0002))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.0002 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: activation +20.0% (CI +10.0% to +30.0%, adjusted p < 0.001) meets the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['significant +2% against >= 20%: even the optimistic bound misses the bar, no-ship (guards: minRelativeLift ignored)', {
    ...running, metrics: [activation(t([0.02, 0.01, 0.03], 0.0004))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'no-ship', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.0004 },
    reasons: [
      'No variant can reach the success criteria.',
      'treatment: activation +2.0% (CI +1.0% to +3.0%, adjusted p < 0.001); even the optimistic end of the interval misses the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['significant +15% against >= 20% whose interval still reaches the bar: inconclusive, keep running (guards: minRelativeLift ignored)', {
    ...running, metrics: [activation(t([0.15, 0.05, 0.25], 0.003))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.003 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'treatment: activation +15.0% (CI +5.0% to +25.0%, adjusted p = 0.003) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['a lift criterion on a "decrease" metric: -25% churn against >= 20% ships, the bar reads -20%', {
    ...running, metrics: [{ key: 'churn', role: 'primary', direction: 'decrease', comparisons: [t([-0.25, -0.4, -0.1], 0.001)] }],
    criteria: [liftAtLeast(0.2, 'churn')]
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'churn', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: churn -25.0% (CI -40.0% to -10.0%, adjusted p = 0.001) meets the bar of -20.0% and p < 0.05.'
    ]
  }],
  ['the primary metric significantly worse: harmful', {
    ...running, metrics: [activation(t([-0.1, -0.15, -0.05], 0.0001))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'harmful', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.0001 },
    reasons: [
      'treatment: activation -10.0% (CI -15.0% to -5.0%, adjusted p < 0.001) is significantly worse than control.',
      'Stop the harmful variant(s) and do not ship.'
    ]
  }],
  ['a criterion with its own p limit: raw p 0.008 passes p < 0.01 alone', {
    ...running, metrics: [activation(t([0.3, 0.1, 0.5], 0.008))], criteria: [liftAtLeast(0.2, 'activation', 0.01)]
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.008 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: activation +30.0% (CI +10.0% to +50.0%, adjusted p = 0.008) meets the bar of +20.0% and p < 0.01.'
    ]
  }],
  ['no comparable data for the variant yet: inconclusive', {
    ...running, metrics: [activation()], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: null,
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'activation: no comparable data for treatment yet.'
    ]
  }],

  // --- Raw vs adjusted p under each correction ---------------------------------------------
  // Two goal metrics, raw p 0.03 (activation) and 0.04 (revenue). Holm and Bonferroni: 0.06 for
  // activation, not below 0.05; Benjamini-Hochberg: 0.04; none: 0.03. (Guards: raw p used instead of the adjusted one.)
  ...([['holm', 0.06], ['bonferroni', 0.06], ['benjamini-hochberg', 0.04], ['none', 0.03]] as const).map(([correction, adjusted]): DecideCase => [
    `raw p 0.03 and 0.04 over two goal metrics, ${correction}: activation adjusted to ${adjusted}${correction === 'holm' ? ' (guards: raw p used instead of the Holm-adjusted one)' : ''}`, {
      ...running, correction,
      metrics: [activation(t([0.3, 0.02, 0.58], 0.03)), secondary('revenue', t([0.1, 0.005, 0.195], 0.04))],
      criteria: [liftAtLeast(0.2)]
    }, adjustedOutcome(adjusted, '+30.0% (CI +2.0% to +58.0%')]),
  // Three goal metrics, raw p 0.02 (activation), 0.01 and 0.04: Holm 0.04 and BH 0.03 pass, Bonferroni 0.06 does not.
  ...([['holm', 0.04], ['bonferroni', 0.06], ['benjamini-hochberg', 0.03]] as const).map(([correction, adjusted]): DecideCase => [
    `raw p 0.02 among 0.01 and 0.04 over three goal metrics, ${correction}: activation adjusted to ${adjusted}${correction === 'holm' ? ' (guards: raw p used instead of the Holm-adjusted one)' : ''}`, {
      ...running, correction,
      metrics: [activation(t([0.3, 0.05, 0.55], 0.02)), secondary('clicks', t([0.1, 0.03, 0.17], 0.01)), secondary('revenue', t([0.05, 0.002, 0.098], 0.04))],
      criteria: [liftAtLeast(0.2)]
    }, adjustedOutcome(adjusted, '+30.0% (CI +5.0% to +55.0%')]),
  ['holm: the own p limit 0.01 applies to the adjusted p, raw 0.008 becomes 0.016 over two metrics (guards: raw p used instead of the Holm-adjusted one)', {
    ...running, metrics: [activation(t([0.3, 0.1, 0.5], 0.008)), secondary('revenue', t([0.01, -0.05, 0.07], 0.7))],
    criteria: [liftAtLeast(0.2, 'activation', 0.01)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.016 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'treatment: activation +30.0% (CI +10.0% to +50.0%, adjusted p = 0.016) does not yet meet the bar of +20.0% and p < 0.01.'
    ]
  }],
  ['guardrails are not in the correction family: a harm at raw p 0.03 stays a harm beside three goal metrics', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), secondary('clicks', t([0.02, -0.03, 0.07], 0.4)), secondary('revenue', t([0.01, -0.05, 0.07], 0.7)),
      unsubscribe([t([0.2, 0.02, 0.38], 0.03)], [{ variant: 'treatment', nonInferior: false, worst: 0.38, limit: 0.05, scale: null }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'harmful', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.003 },
    reasons: [
      'Guardrail unsubscribe: treatment is significantly worse (+20.0%, p = 0.030).',
      'Stop the harmful variant(s) and do not ship.'
    ]
  }],

  // --- Fallback criterion and no criteria ------------------------------------------------
  ['no lift criterion: the primary metric decides, any significant improvement ships', {
    ...running, metrics: [activation(t([0.05, 0.02, 0.08], 0.001))], criteria: []
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'No structured lift criterion was written; any significant improvement of the primary metric counts.',
      'Ship treatment: it met every success criterion.',
      'treatment: activation +5.0% (CI +2.0% to +8.0%, adjusted p = 0.001) meets the bar of +0.0% and p < 0.05.'
    ]
  }],
  ['no lift criterion, only a qualitative one: still the primary metric; not yet significant is inconclusive', {
    ...running, metrics: [activation(t([0.05, -0.01, 0.11], 0.09))], criteria: [{ kind: 'qualitative' }]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.09 },
    reasons: [
      'No structured lift criterion was written; any significant improvement of the primary metric counts.',
      'Keep running for the planned duration (≈ 4 more days).',
      'treatment: activation +5.0% (CI -1.0% to +11.0%, adjusted p = 0.090) does not yet meet the bar of +0.0% and p < 0.05.'
    ]
  }],
  ['no lift criterion: a significantly worse primary metric is harmful', {
    ...running, metrics: [activation(t([-0.05, -0.08, -0.02], 0.001))], criteria: []
  }, {
    outcome: 'harmful', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'treatment: activation -5.0% (CI -8.0% to -2.0%, adjusted p = 0.001) is significantly worse than control.',
      'Stop the harmful variant(s) and do not ship.'
    ]
  }],
  ['no criteria and no primary metric at all (exploratory: nothing to decide on): inconclusive', {
    ...running, metrics: [secondary('clicks', t([0.1, 0.05, 0.15], 0.0001))], criteria: []
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: null,
    reasons: [
      'The experiment has no primary metric or lift criterion to decide on.'
    ]
  }],
  ['no users exposed yet: inconclusive, the planned users still needed', {
    ...running, metrics: [activation()], criteria: [liftAtLeast(0.2)], health: { usersExposed: 0, daysRun: 0 }
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 6000, days: null },
    primary: null,
    reasons: [
      'No users have been exposed yet.'
    ]
  }],

  // --- Guardrails ---------------------------------------------------------------------------
  ['lift passes and the guardrail is non-inferior: ships, naming the guardrail', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.01, -0.01, 0.03], 0.4)], [{ variant: 'treatment', nonInferior: true, worst: 0.03, limit: 0.05 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: treatment is at worst +3.0%, within the 5% limit.'
    ]
  }],
  ['lift passes, a monitor-only guardrail (no margin) is not significantly worse: ships, saying so', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.2, -0.1, 0.5], 0.3)], [])],
    criteria: [liftAtLeast(0.2), { kind: 'guardrail', metricKey: 'unsubscribe' }]
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe (monitor only, no margin): treatment is not significantly worse (+20.0%, p = 0.300, chance to beat control 50%).'
    ]
  }],
  ['lift passes, a monitor-only guardrail is significantly worse: harmful', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.12, 0.05, 0.19], 0.01)], [])],
    criteria: [liftAtLeast(0.2), { kind: 'guardrail', metricKey: 'unsubscribe' }]
  }, {
    outcome: 'harmful', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Guardrail unsubscribe (monitor only): treatment is significantly worse (+12.0%, p = 0.010).',
      'Stop the harmful variant(s) and do not ship.'
    ]
  }],
  ['lift passes but the guardrail is significantly worse: harmful', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.12, 0.05, 0.19], 0.01)], [{ variant: 'treatment', nonInferior: false, worst: 0.19, limit: 0.05 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'harmful', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Guardrail unsubscribe: treatment is significantly worse (+12.0%, p = 0.010).',
      'Stop the harmful variant(s) and do not ship.'
    ]
  }],
  ['lift passes, guardrail not yet non-inferior (needs 3x the sample): inconclusive with the users needed', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.01, -0.02, 0.08], 0.6)], [{ variant: 'treatment', nonInferior: false, worst: 0.08, limit: 0.05, scale: 3 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 40000, days: 20 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'treatment met the lift criteria, but a guardrail could not yet be shown to stay within its limit: about 40,000 more users (≈ 20 more days at the current rate) are needed for that (80% power in the final fixed-horizon test if treatment truly changes nothing there).',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: cannot yet rule out that treatment is more than 5% worse (worst plausible +8.0%).'
    ]
  }],
  ['lift passes, guardrail without data: inconclusive, more users needed (no number)', {
    ...running, metrics: [activation(t([0.3, 0.15, 0.45], 0.001))], criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'treatment met the lift criteria, but a guardrail could not yet be shown to stay within its limit: more users are needed before shipping.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: no comparable data for treatment yet.'
    ]
  }],
  ['the guardrail is ended and still undecided: still inconclusive, never a ship', {
    ...running, ended: true,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.01, -0.02, 0.08], 0.6)], [{ variant: 'treatment', nonInferior: false, worst: 0.08, limit: 0.05, scale: 1.5 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 10000, days: 5 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'treatment met the lift criteria, but a guardrail could not yet be shown to stay within its limit: about 10,000 more users (≈ 5 more days at the current rate) are needed for that (80% power in the final fixed-horizon test if treatment truly changes nothing there).',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: cannot yet rule out that treatment is more than 5% worse (worst plausible +8.0%).'
    ]
  }],

  // --- Several variants ---------------------------------------------------------------------
  ['three winners: the largest primary lift ships, the others are named in order', {
    ...running, treatments: ['a', 'b', 'c'],
    metrics: [activation(t([0.25, 0.21, 0.29], 0.0001, 'a'), t([0.4, 0.3, 0.5], 0.0001, 'b'), t([0.3, 0.22, 0.38], 0.0001, 'c'))],
    criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'ship', winningVariant: 'b', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'b', pValue: 0.0003 },
    reasons: [
      'Ship b: it met every success criterion.',
      'b: activation +40.0% (CI +30.0% to +50.0%, adjusted p < 0.001) meets the bar of +20.0% and p < 0.05.',
      'c also met every criterion, with a smaller primary lift.',
      'a also met every criterion, with a smaller primary lift.'
    ]
  }],
  ['one variant wins, another fails the bar: the winner ships', {
    ...running, treatments: ['a', 'b'],
    metrics: [activation(t([0.02, 0.01, 0.03], 0.001, 'a'), t([0.3, 0.2, 0.4], 0.0001, 'b'))],
    criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'ship', winningVariant: 'b', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'b', pValue: 0.0002 },
    reasons: [
      'Ship b: it met every success criterion.',
      'b: activation +30.0% (CI +20.0% to +40.0%, adjusted p < 0.001) meets the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['the larger lift harms a guardrail: the other variant ships', {
    ...running, treatments: ['a', 'b'],
    metrics: [activation(t([0.25, 0.21, 0.29], 0.0001, 'a'), t([0.4, 0.3, 0.5], 0.0001, 'b')),
      unsubscribe([t([0.01, -0.01, 0.03], 0.5, 'a'), t([0.2, 0.1, 0.3], 0.001, 'b')],
        [{ variant: 'a', nonInferior: true, worst: 0.03, limit: 0.05 }, { variant: 'b', nonInferior: false, worst: 0.3, limit: 0.05 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'ship', winningVariant: 'a', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'a', pValue: 0.0002 },
    reasons: [
      'Ship a: it met every success criterion.',
      'a: activation +25.0% (CI +21.0% to +29.0%, adjusted p < 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: a is at worst +3.0%, within the 5% limit.'
    ]
  }],
  ['every variant misses the bar: no-ship, each reason listed', {
    ...running, treatments: ['a', 'b'],
    metrics: [activation(t([0.02, 0.01, 0.03], 0.001, 'a'), t([-0.01, -0.05, 0.03], 0.6, 'b'))],
    criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'no-ship', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'a', pValue: 0.002 },
    reasons: [
      'No variant can reach the success criteria.',
      'a: activation +2.0% (CI +1.0% to +3.0%, adjusted p = 0.002); even the optimistic end of the interval misses the bar of +20.0% and p < 0.05.',
      'b: activation -1.0% (CI -5.0% to +3.0%, adjusted p = 0.600); even the optimistic end of the interval misses the bar of +20.0% and p < 0.05.'
    ]
  }],

  // --- Sample ratio mismatch ------------------------------------------------------------------
  ['a winner under a sample ratio mismatch: ship is blocked, inconclusive', {
    ...running, metrics: [activation(t([0.3, 0.15, 0.45], 0.001))], criteria: [liftAtLeast(0.2)], health: { srm: srmMismatch }
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: true, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Sample ratio mismatch: the traffic split differs from the configuration, so no result can be trusted until it is explained.',
      'treatment met every success criterion, but "ship" is blocked until the mismatch is explained.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['a harm under a sample ratio mismatch: harmful, the mismatch said first', {
    ...running, metrics: [activation(t([-0.1, -0.15, -0.05], 0.0001))], criteria: [liftAtLeast(0.2)], health: { srm: srmMismatch }
  }, {
    outcome: 'harmful', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.0001 },
    reasons: [
      'Sample ratio mismatch: the traffic split differs from the configuration, so no result can be trusted until it is explained.',
      'treatment: activation -10.0% (CI -15.0% to -5.0%, adjusted p < 0.001) is significantly worse than control.',
      'Stop the harmful variant(s) and do not ship.'
    ]
  }],
  ['a sample ratio test that passed does not block', {
    ...running, metrics: [activation(t([0.3, 0.15, 0.45], 0.001))], criteria: [liftAtLeast(0.2)],
    health: { srm: { ...srmMismatch!, pValue: 0.4, chiSquare: 0.7, mismatch: false } }
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.'
    ]
  }],

  // --- Ended vs running -----------------------------------------------------------------------
  ['running, enough users, not significant: keep running for the planned days', {
    ...running, metrics: [activation(t([0.1, -0.02, 0.22], 0.1))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.1 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'treatment: activation +10.0% (CI -2.0% to +22.0%, adjusted p = 0.100) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['ended with the users it needed, not significant: no-ship', {
    ...running, ended: true, metrics: [activation(t([0.1, -0.02, 0.22], 0.1))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'no-ship', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.1 },
    reasons: [
      'The experiment ended without any variant meeting the success criteria.',
      'treatment: activation +10.0% (CI -2.0% to +22.0%, adjusted p = 0.100) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['running with too few users: inconclusive, users and days still needed', {
    ...running, metrics: [activation(t([0.1, -0.05, 0.25], 0.2))], criteria: [liftAtLeast(0.2)], health: { usersExposed: 4_000 }
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 2000, days: 5 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.2 },
    reasons: [
      'About 2,000 more users (≈ 5 more days at the current rate) are needed for the planned effect.',
      'treatment: activation +10.0% (CI -5.0% to +25.0%, adjusted p = 0.200) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['ended with too few users: inconclusive (plan again), not no-ship', {
    ...running, ended: true, metrics: [activation(t([0.1, -0.05, 0.25], 0.2))], criteria: [liftAtLeast(0.2)], health: { usersExposed: 4_000 }
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 2000, days: 5 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.2 },
    reasons: [
      'About 2,000 more users (≈ 5 more days at the current rate) are needed for the planned effect.',
      'treatment: activation +10.0% (CI -5.0% to +25.0%, adjusted p = 0.200) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['ended without a known sample size: inconclusive', {
    ...running, ended: true, metrics: [activation(t([0.1, -0.05, 0.25], 0.2))], criteria: [liftAtLeast(0.2)],
    health: { usersNeeded: null, daysRun: 14 }
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.2 },
    reasons: [
      'Not enough evidence yet.',
      'treatment: activation +10.0% (CI -5.0% to +25.0%, adjusted p = 0.200) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['ended with a winner: ships as while running', {
    ...running, ended: true, metrics: [activation(t([0.3, 0.15, 0.45], 0.001))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.'
    ]
  }],
  // --- Edges (each guards a mutant of decide.ts that the cases above let through) ------------
  ['the lift criterion\'s metric is found by its key, not its place in the table', {
    ...running, metrics: [secondary('revenue', t([0.01, -0.05, 0.07], 0.7)), activation(t([0.3, 0.15, 0.45], 0.001))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'ship', winningVariant: 'treatment', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.002 },
    reasons: [
      'Ship treatment: it met every success criterion.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.002) meets the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['a lift criterion on a metric the report does not have: no comparable data, no primary result', {
    ...running, metrics: [activation(t([0.3, 0.15, 0.45], 0.001))], criteria: [liftAtLeast(0.2, 'revenue')]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: null,
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'revenue: no comparable data for treatment yet.'
    ]
  }],
  ['a "decrease" metric whose interval still reaches the bar on the good (lower) side: keep running, not no-ship', {
    ...running, metrics: [{ key: 'churn', role: 'primary', direction: 'decrease', comparisons: [t([-0.1, -0.25, 0.05], 0.2)] }],
    criteria: [liftAtLeast(0.2, 'churn')]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'churn', variant: 'treatment', pValue: 0.2 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'treatment: churn -10.0% (CI -25.0% to +5.0%, adjusted p = 0.200) does not yet meet the bar of -20.0% and p < 0.05.'
    ]
  }],
  ['two lift criteria and two winners: the first criterion\'s lift picks the winner', {
    ...running, correction: 'none', treatments: ['a', 'b'],
    metrics: [activation(t([0.25, 0.21, 0.29], 0.0001, 'a'), t([0.4, 0.3, 0.5], 0.0001, 'b')),
      secondary('revenue', t([0.4, 0.3, 0.5], 0.0001, 'a'), t([0.25, 0.21, 0.29], 0.0001, 'b'))],
    criteria: [liftAtLeast(0.2), liftAtLeast(0.2, 'revenue')]
  }, {
    outcome: 'ship', winningVariant: 'b', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'b', pValue: 0.0001 },
    reasons: [
      'Ship b: it met every success criterion.',
      'b: activation +40.0% (CI +30.0% to +50.0%, adjusted p < 0.001) meets the bar of +20.0% and p < 0.05.',
      'b: revenue +25.0% (CI +21.0% to +29.0%, adjusted p < 0.001) meets the bar of +20.0% and p < 0.05.',
      'a also met every criterion, with a smaller primary lift.'
    ]
  }],
  ['a significant lift of exactly 0 meets no bar, not even the fallback\'s +0%', {
    ...running, metrics: [activation(t([0, -0.1, 0.1], 0.001))], criteria: []
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'No structured lift criterion was written; any significant improvement of the primary metric counts.',
      'Keep running for the planned duration (≈ 4 more days).',
      'treatment: activation +0.0% (CI -10.0% to +10.0%, adjusted p = 0.001) does not yet meet the bar of +0.0% and p < 0.05.'
    ]
  }],
  ['an adjusted p exactly at the criterion\'s limit does not pass (p must be below it)', {
    ...running, correction: 'none', metrics: [activation(t([0.3, 0.15, 0.45], 0.01))], criteria: [liftAtLeast(0.2, 'activation', 0.01)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.01 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.010) does not yet meet the bar of +20.0% and p < 0.01.'
    ]
  }],
  ['an optimistic bound exactly at the bar can still reach it: keep running, not no-ship', {
    ...running, metrics: [activation(t([0.1, -0.02, 0.2], 0.1))], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.1 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'treatment: activation +10.0% (CI -2.0% to +20.0%, adjusted p = 0.100) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['each variant is judged by its own guardrail comparison and result, whatever their order', {
    ...running, treatments: ['a', 'b'],
    metrics: [activation(t([0.25, 0.21, 0.29], 0.0001, 'a'), t([0.4, 0.3, 0.5], 0.0001, 'b')),
      unsubscribe([t([0.2, 0.1, 0.3], 0.001, 'b'), t([0.01, -0.01, 0.03], 0.5, 'a')],
        [{ variant: 'b', nonInferior: false, worst: 0.3, limit: 0.05, scale: null }, { variant: 'a', nonInferior: true, worst: 0.03, limit: 0.05 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'ship', winningVariant: 'a', blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'a', pValue: 0.0002 },
    reasons: [
      'Ship a: it met every success criterion.',
      'a: activation +25.0% (CI +21.0% to +29.0%, adjusted p < 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: a is at worst +3.0%, within the 5% limit.'
    ]
  }],
  ['a guardrail metric compared but without a non-inferiority result: no comparable data, more users needed', {
    ...running, metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.01, -0.02, 0.08], 0.6)], [])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'treatment met the lift criteria, but a guardrail could not yet be shown to stay within its limit: more users are needed before shipping.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: no comparable data for treatment yet.'
    ]
  }],
  ['a guardrail significantly worse from a control at 0 (no relative change): harmful, "n/a"', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)),
      unsubscribe([{ variant: 'treatment', lift: null, absolute: [0.01, 0.004, 0.016], p: 0.001 }], [{ variant: 'treatment', nonInferior: false, worst: null, limit: 0.05 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'harmful', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'Guardrail unsubscribe: treatment is significantly worse (n/a, p = 0.001).',
      'Stop the harmful variant(s) and do not ship.'
    ]
  }],
  ['two undecided guardrails (3x and 2x the sample): the larger need counts', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)),
      unsubscribe([t([0.01, -0.02, 0.08], 0.6)], [{ variant: 'treatment', nonInferior: false, worst: 0.08, limit: 0.05, scale: 3 }]),
      { key: 'complaints', role: 'guardrail', direction: 'decrease', comparisons: [t([0.01, -0.02, 0.06], 0.6)],
        guardrails: [{ variant: 'treatment', nonInferior: false, worst: 0.06, limit: 0.05, scale: 2 }] }],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05), guardrailAtMost(0.05, 'complaints')]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 40000, days: 20 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'treatment met the lift criteria, but a guardrail could not yet be shown to stay within its limit: about 40,000 more users (≈ 20 more days at the current rate) are needed for that (80% power in the final fixed-horizon test if treatment truly changes nothing there).',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: cannot yet rule out that treatment is more than 5% worse (worst plausible +8.0%).',
      'Guardrail complaints: cannot yet rule out that treatment is more than 5% worse (worst plausible +6.0%).'
    ]
  }],
  ['a guardrail that needs exactly the current sample: no number (an adverse estimate keeps it open)', {
    ...running,
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.01, -0.02, 0.08], 0.6)], [{ variant: 'treatment', nonInferior: false, worst: 0.08, limit: 0.05, scale: 1 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'treatment met the lift criteria, but a guardrail could not yet be shown to stay within its limit: more users are needed before shipping.',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: cannot yet rule out that treatment is more than 5% worse (worst plausible +8.0%).'
    ]
  }],
  ['a guardrail needing 3x the sample on the first day (0 days run): the users, no days', {
    ...running, health: { daysRun: 0 },
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), unsubscribe([t([0.01, -0.02, 0.08], 0.6)], [{ variant: 'treatment', nonInferior: false, worst: 0.08, limit: 0.05, scale: 3 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 40000, days: null },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'treatment met the lift criteria, but a guardrail could not yet be shown to stay within its limit: about 40,000 more users are needed for that (80% power in the final fixed-horizon test if treatment truly changes nothing there).',
      'treatment: activation +30.0% (CI +15.0% to +45.0%, adjusted p = 0.001) meets the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: cannot yet rule out that treatment is more than 5% worse (worst plausible +8.0%).'
    ]
  }],
  ['too few users on the first day (0 days run): the users still needed, no rate to turn them into days', {
    ...running, metrics: [activation(t([0.1, -0.05, 0.25], 0.2))], criteria: [liftAtLeast(0.2)], health: { usersExposed: 4_000, daysRun: 0 }
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 2000, days: null },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.2 },
    reasons: [
      'About 2,000 more users are needed for the planned effect.',
      'treatment: activation +10.0% (CI -5.0% to +25.0%, adjusted p = 0.200) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['enough users on the first day (0 days run): keep running for the whole planned duration', {
    ...running, metrics: [activation(t([0.1, -0.02, 0.22], 0.1))], criteria: [liftAtLeast(0.2)], health: { daysRun: 0 }
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 14 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.1 },
    reasons: [
      'Keep running for the planned duration (≈ 14 more days).',
      'treatment: activation +10.0% (CI -2.0% to +22.0%, adjusted p = 0.100) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['no winner among three: the primary result named is the one with the lowest adjusted p', {
    ...running, correction: 'none', treatments: ['a', 'b', 'c'],
    metrics: [activation(t([0.1, -0.02, 0.22], 0.3, 'a'), t([0.12, -0.01, 0.25], 0.06, 'b'), t([0.05, -0.1, 0.2], 0.5, 'c'))],
    criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'b', pValue: 0.06 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'a: activation +10.0% (CI -2.0% to +22.0%, adjusted p = 0.300) does not yet meet the bar of +20.0% and p < 0.05.',
      'b: activation +12.0% (CI -1.0% to +25.0%, adjusted p = 0.060) does not yet meet the bar of +20.0% and p < 0.05.',
      'c: activation +5.0% (CI -10.0% to +20.0%, adjusted p = 0.500) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['a primary comparison without a relative lift (control at 0): named, with no lift or interval', {
    ...running, metrics: [activation({ variant: 'treatment', lift: null, absolute: [0.01, -0.01, 0.03], p: 0.4 })], criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.4 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'activation: no comparable data for treatment yet.'
    ]
  }],
  ['passing one lift criterion and failing the other is no win: every variant fails one, no-ship', {
    ...running, correction: 'none',
    metrics: [activation(t([0.3, 0.15, 0.45], 0.001)), secondary('revenue', t([0.02, 0.01, 0.03], 0.001))],
    criteria: [liftAtLeast(0.2), liftAtLeast(0.2, 'revenue')]
  }, {
    outcome: 'no-ship', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'No variant can reach the success criteria.',
      'treatment: revenue +2.0% (CI +1.0% to +3.0%, adjusted p = 0.001); even the optimistic end of the interval misses the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['one variant fails the bar, another can still reach it: keep running, not no-ship', {
    ...running, correction: 'none', treatments: ['a', 'b'],
    metrics: [activation(t([0.02, 0.01, 0.03], 0.001, 'a'), t([0.1, -0.02, 0.22], 0.1, 'b'))],
    criteria: [liftAtLeast(0.2)]
  }, {
    outcome: 'inconclusive', winningVariant: null, blockedBySrm: false, needed: { users: 0, days: 4 },
    primary: { metric: 'activation', variant: 'a', pValue: 0.001 },
    reasons: [
      'Keep running for the planned duration (≈ 4 more days).',
      'a: activation +2.0% (CI +1.0% to +3.0%, adjusted p = 0.001); even the optimistic end of the interval misses the bar of +20.0% and p < 0.05.',
      'b: activation +10.0% (CI -2.0% to +22.0%, adjusted p = 0.100) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }],
  ['a variant that misses the lift bar is not held back by its undecided guardrail: no-ship', {
    ...running,
    metrics: [activation(t([0.02, 0.01, 0.03], 0.001)), unsubscribe([t([0.01, -0.02, 0.08], 0.6)], [{ variant: 'treatment', nonInferior: false, worst: 0.08, limit: 0.05, scale: 3 }])],
    criteria: [liftAtLeast(0.2), guardrailAtMost(0.05)]
  }, {
    outcome: 'no-ship', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.001 },
    reasons: [
      'No variant can reach the success criteria.',
      'treatment: activation +2.0% (CI +1.0% to +3.0%, adjusted p = 0.001); even the optimistic end of the interval misses the bar of +20.0% and p < 0.05.',
      'Guardrail unsubscribe: cannot yet rule out that treatment is more than 5% worse (worst plausible +8.0%).'
    ]
  }],
  ['ended with exactly the users it needed, not significant: no-ship', {
    ...running, ended: true, metrics: [activation(t([0.1, -0.02, 0.22], 0.1))], criteria: [liftAtLeast(0.2)], health: { usersExposed: 6_000 }
  }, {
    outcome: 'no-ship', winningVariant: null, blockedBySrm: false, needed: null,
    primary: { metric: 'activation', variant: 'treatment', pValue: 0.1 },
    reasons: [
      'The experiment ended without any variant meeting the success criteria.',
      'treatment: activation +10.0% (CI -2.0% to +22.0%, adjusted p = 0.100) does not yet meet the bar of +20.0% and p < 0.05.'
    ]
  }]
];
