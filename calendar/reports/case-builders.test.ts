/**
 * The builders of the decision and health tables (decide-cases.ts, health-cases.ts) build what
 * `buildReport` would hand to `decide()` and `buildHealth()`, field by field, so a case means what
 * its `given` says: comparisons at a 10% control rate with the absolute difference the lift implies,
 * significance below α = 0.05, verdicts in the metric's direction, criteria numbered from 1.
 */
import { describe, expect, it } from 'vitest';
import { baseHealth, decideInputOf } from './decide-cases.ts';
import { healthInputOf, T0 } from './health-cases.ts';

const DAY_MS = 86_400_000;
const close = (x: number) => expect.closeTo(x, 12);

describe('decideInputOf', () => {
  it('raw comparisons, guardrails and criteria as buildReport makes them (no correction)', () => {
    const input = decideInputOf({
      correction: 'none', treatments: ['treatment', 'b', 'c'], ended: true, health: { daysRun: 3 },
      metrics: [
        { key: 'activation', role: 'primary', comparisons: [{ variant: 'treatment', lift: [0.2, 0.1, 0.3], p: 0.05 }] },
        { key: 'unsubscribe', role: 'guardrail', direction: 'decrease', comparisons: [
          { variant: 'treatment', lift: [-0.1, -0.2, -0.05], p: 0.01 },
          { variant: 'b', lift: null, p: 0.001 },
          { variant: 'c', lift: null, absolute: [0.01, 0.005, 0.015], p: 0.001 }
        ], guardrails: [{ variant: 'treatment', nonInferior: true, worst: -0.05, limit: 0.05, scale: 2 }, { variant: 'b', nonInferior: false, worst: null, limit: 0.05 }] }
      ],
      criteria: [{ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.2, maxPValue: 0.05 }, { kind: 'guardrail', metricKey: 'unsubscribe', maxRelativeDegradation: 0.05 }, { kind: 'qualitative' }]
    });
    expect(input).toEqual({
      metrics: [{
        key: 'activation', name: 'activation', kind: 'binomial', role: 'primary', direction: 'increase', windowDays: 7, cap: null, arms: [],
        comparisons: [{
          variant: 'treatment', control: 0.1, treatment: close(0.12), absolute: { estimate: close(0.02), ciLow: close(0.01), ciHigh: close(0.03) },
          relative: { estimate: 0.2, ciLow: 0.1, ciHigh: 0.3 }, pValue: 0.05, adjustedPValue: 0.05, chanceToBeatControl: 0.5,
          significant: false, verdict: 'flat'
        }],
        guardrails: [], notes: []
      }, {
        key: 'unsubscribe', name: 'unsubscribe', kind: 'binomial', role: 'guardrail', direction: 'decrease', windowDays: 7, cap: null, arms: [],
        comparisons: [{
          variant: 'treatment', control: 0.1, treatment: close(0.09), absolute: { estimate: close(-0.01), ciLow: close(-0.02), ciHigh: close(-0.005) },
          relative: { estimate: -0.1, ciLow: -0.2, ciHigh: -0.05 }, pValue: 0.01, adjustedPValue: 0.01, chanceToBeatControl: 0.5,
          significant: true, verdict: 'better'
        }, {
          variant: 'b', control: 0.1, treatment: 0.1, absolute: { estimate: 0, ciLow: 0, ciHigh: 0 },
          relative: null, pValue: 0.001, adjustedPValue: 0.001, chanceToBeatControl: 0.5, significant: true, verdict: 'flat'
        }, {
          variant: 'c', control: 0.1, treatment: close(0.11), absolute: { estimate: 0.01, ciLow: 0.005, ciHigh: 0.015 },
          relative: null, pValue: 0.001, adjustedPValue: 0.001, chanceToBeatControl: 0.5, significant: true, verdict: 'worse'
        }],
        guardrails: [
          { variant: 'treatment', maxRelativeDegradation: 0.05, worstRelativeChange: -0.05, nonInferior: true, pValue: null, sampleScaleNeeded: 2 },
          { variant: 'b', maxRelativeDegradation: 0.05, worstRelativeChange: null, nonInferior: false, pValue: null, sampleScaleNeeded: null }
        ],
        notes: []
      }],
      criteria: [
        { id: 1, experimentId: 1, kind: 'lift', metricKey: 'activation', minRelativeLift: 0.2, maxPValue: 0.05, maxRelativeDegradation: null, description: 'lift activation' },
        { id: 2, experimentId: 1, kind: 'guardrail', metricKey: 'unsubscribe', minRelativeLift: null, maxPValue: null, maxRelativeDegradation: 0.05, description: 'guardrail unsubscribe' },
        { id: 3, experimentId: 1, kind: 'qualitative', metricKey: null, minRelativeLift: null, maxPValue: null, maxRelativeDegradation: null, description: 'qualitative ' }
      ],
      health: { ...baseHealth, daysRun: 3 }, treatmentKeys: ['treatment', 'b', 'c'], ended: true, alpha: 0.05
    });
  });

  it('a significant rise of a goal metric is "better" (its verdict is the correction\'s)', () => {
    const input = decideInputOf({
      correction: 'holm', treatments: ['treatment'], ended: false, metrics: [{ key: 'activation', role: 'primary', comparisons: [{ variant: 'treatment', lift: [0.2, 0.1, 0.3], p: 0.01 }] }], criteria: []
    });
    expect(input.metrics[0]!.comparisons[0]).toMatchObject({ significant: true, verdict: 'better', adjustedPValue: 0.01 });
  });
});

describe('healthInputOf', () => {
  it('the design, users per variant, days as instants after T0, and "no planned effect" when no need is given', () => {
    const input = healthInputOf({
      variants: [['control', 0.5], ['treatment', 0.5]], users: { control: 100, treatment: { users: 90, conflicted: 2 } },
      startedAtDay: 1, nowDay: 5, firstExposureDay: 2, byDay: [[1, 'control', 100]]
    });
    expect(input).toEqual({
      design: {
        amendments: [],
        experiment: { id: 1, key: 'health-case', status: 'running', durationDays: 14, startedAtMs: T0 + DAY_MS, stoppedAtMs: null, endDate: null },
        variants: [
          { id: 1, experimentId: 1, key: 'control', name: 'control', description: null, weight: 0.5, isControl: true, position: 0 },
          { id: 2, experimentId: 1, key: 'treatment', name: 'treatment', description: null, weight: 0.5, isControl: false, position: 1 }
        ],
        control: { id: 1, experimentId: 1, key: 'control', name: 'control', description: null, weight: 0.5, isControl: true, position: 0 },
        metrics: [], criteria: []
      },
      byVariant: [
        { variant: 'control', day: null, segment: null, metrics: [], users: 100, conflicted: 0 },
        { variant: 'treatment', day: null, segment: null, metrics: [], users: 90, conflicted: 2 }
      ],
      exposuresByDay: [{ day: T0 / DAY_MS + 1, variant: 'control', users: 100 }],
      span: { firstMs: T0 + 2 * DAY_MS, lastMs: null },
      needed: { users: null, basis: 'no planned minimum detectable effect' },
      nowMs: T0 + 5 * DAY_MS
    });
  });
});
