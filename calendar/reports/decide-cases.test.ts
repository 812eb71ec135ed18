/**
 * The decision table (calendar/reports/decide-cases.ts) run through `decide()`: exact outcome,
 * winner, SRM block, users still needed, the primary result named (with its lift and interval) and every reason, in order.
 */
import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { decideCases, decideInputOf } from './decide-cases.ts';

describe('decide(): the decision table', () => {
  it('has one case per name, covering every outcome', () => {
    const names = decideCases.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(decideCases.map(([, , e]) => e.outcome))).toEqual(new Set(['ship', 'no-ship', 'inconclusive', 'harmful']));
  });

  it.each(decideCases)('%s', (_name, given, expected) => {
    const d = decide(decideInputOf(given));
    expect({ outcome: d.outcome, winningVariant: d.winningVariant, blockedBySrm: d.blockedBySrm, needed: d.needed })
      .toEqual({ outcome: expected.outcome, winningVariant: expected.winningVariant, blockedBySrm: expected.blockedBySrm, needed: expected.needed });
    expect(d.reasons).toEqual(expected.reasons);
    if (expected.primary === null) expect(d.primary).toBeNull();
    else {
      // The lift and interval named are the given ones of that metric and variant (null without a relative lift).
      const given_ = given.metrics.find((m) => m.key === expected.primary!.metric)?.comparisons.find((c) => c.variant === expected.primary!.variant);
      const [relativeLift, ciLow, ciHigh] = given_?.lift ?? [null, null, null];
      expect(d.primary).toEqual({ metric: expected.primary.metric, variant: expected.primary.variant, relativeLift, ciLow, ciHigh, pValue: d.primary!.pValue });
      expect(d.primary!.pValue).toBeCloseTo(expected.primary.pValue, 12);
    }
  });
});
