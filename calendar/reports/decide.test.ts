import { describe, expect, it } from 'vitest';
import { decide, type DecideInput } from './decide.ts';
import type { CriterionRow } from './load.ts';
import type { ComparisonResult, GuardrailResult, Health, MetricResult } from './types.ts';

/** A lift passed with room to spare, and an undecided guardrail whose test needs `scale` × the current sample. */
function comparison(variant: string, relative: number, pValue: number): ComparisonResult {
  return {
    variant, control: 0.1, treatment: 0.1 * (1 + relative), absolute: { estimate: 0.1 * relative, ciLow: 0, ciHigh: 0.2 * relative },
    relative: { estimate: relative, ciLow: relative / 2, ciHigh: relative * 1.5 }, pValue, adjustedPValue: pValue,
    chanceToBeatControl: 0.99, significant: pValue < 0.05, verdict: pValue < 0.05 ? 'better' : 'flat'
  };
}
function metric(key: string, role: MetricResult['role'], comparisons: ComparisonResult[], guardrails: GuardrailResult[] = []): MetricResult {
  return { key, name: key, kind: 'binomial', role, direction: key === 'unsubscribe' ? 'decrease' : 'increase', windowDays: 7, cap: null, arms: [], comparisons, guardrails, notes: [] };
}
const openGuardrail = (variant: string, scale: number | null): GuardrailResult =>
  ({ variant, maxRelativeDegradation: 0.05, worstRelativeChange: 0.4, nonInferior: false, pValue: 0.3, sampleScaleNeeded: scale });
const criteria = [
  { id: 1, experimentId: 1, kind: 'lift', metricKey: 'activation', minRelativeLift: 0.2, maxPValue: 0.05, maxRelativeDegradation: null, description: '≥20% lift in activation, p < 0.05' },
  { id: 2, experimentId: 1, kind: 'guardrail', metricKey: 'unsubscribe', minRelativeLift: null, maxPValue: null, maxRelativeDegradation: 0.05, description: 'unsubscribe at most 5% worse' }
] satisfies CriterionRow[];
const health: Health = {
  srm: null, exposuresByDay: [], multipleVariantUsers: 0, daysRun: 10, daysPlanned: 14, usersExposed: 20_000,
  usersNeeded: 6_000, usersNeededBasis: 'activation', warnings: []
};

function input(guardrailScales: Record<string, number | null>, change: Partial<DecideInput> = {}): DecideInput {
  const variants = Object.keys(guardrailScales);
  return {
    metrics: [
      metric('activation', 'primary', variants.map((v) => comparison(v, 0.3, 0.001))),
      metric('unsubscribe', 'guardrail', variants.map((v) => comparison(v, 0.1, 0.4)), variants.map((v) => openGuardrail(v, guardrailScales[v]!)))
    ],
    criteria, health, treatmentKeys: variants, ended: false, alpha: 0.05, ...change
  };
}

describe('decide: a variant held back only by a guardrail', () => {
  it('needs the users at which the guardrail\'s final test has 80% power, and says how many', () => {
    const d = decide(input({ guided: 3 }));
    expect(d).toMatchObject({ outcome: 'inconclusive', needed: { users: 40_000, days: 20 } }); // 20,000 × 3 in all; 2,000 a day
    expect(d.reasons[0]).toMatch(/about 40,000 more users \(≈ 20 more days at the current rate\) are needed for that \(80% power in the final fixed-horizon test/);
  });

  it('the primary metric\'s planned sample is not passed off as the guardrail\'s', () => {
    const d = decide(input({ guided: 1.5 }, { health: { ...health, usersNeeded: 400_000 } }));
    expect(d.needed).toEqual({ users: 10_000, days: 5 });
  });

  it('no number when the sample is already past that point (an adverse estimate keeps it open) or unknown', () => {
    for (const scale of [0.8, null, Infinity]) {
      const d = decide(input({ guided: scale }));
      expect(d.outcome).toBe('inconclusive');
      expect(d.needed, String(scale)).toBeNull();
      expect(d.reasons[0]).toMatch(/more users are needed before shipping\.$/);
    }
  });

  it('of two such variants, names the one whose guardrail needs fewer users', () => {
    const d = decide(input({ bold: 5, guided: 2 }));
    expect(d.primary?.variant).toBe('guided');
    expect(d.needed?.users).toBe(20_000);
  });
});
