import { describe, expect, it } from 'vitest';
import { planTemplateSchema, starterPlanTemplate } from './template.ts';

// The starter template measures what retention teams track with the kind that fits (issue 16):
// no average that falls when fewer people rate, no time the app must compute itself.
describe('the starter template metric kinds', () => {
  const template = starterPlanTemplate();
  const metric = (key: string) => template.metrics.find((m) => m.key === key);
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['average rating: Σ rating / number of ratings', 'rating', { kind: 'ratio', eventName: 'rating', denominatorEventName: 'rating', denominatorAggregate: 'count' }],
    ['average order value: Σ purchase value / number of purchases', 'order_value', { kind: 'ratio', eventName: 'purchase', denominatorEventName: 'purchase', denominatorAggregate: 'count' }],
    ['time to activation: restricted mean to the activation event', 'time_to_activation', { kind: 'time_to_event', eventName: 'activation', windowDays: 14, direction: 'decrease' }],
    ['repeat purchase: 2+ purchases', 'repeat_purchase', { kind: 'threshold', eventName: 'purchase', minCount: 2 }],
    ['retention on days 7-14', 'retention_d7_14', { kind: 'retention', windowStartDays: 7, windowDays: 14, direction: 'increase' }],
    ['churn: retention where lower is better', 'churn_30d', { kind: 'retention', windowDays: 30, direction: 'decrease' }]
  ];
  it.each(cases)('%s', (_name, key, expected) => {
    expect(metric(key)).toMatchObject(expected);
    const weeks = template.weeks.filter((w) => [...w.primaryMetrics, ...w.secondaryMetrics, ...w.guardrailMetrics].includes(key));
    expect(weeks.length, `${key} is used by a week`).toBeGreaterThan(0);
  });

  it('refuses a template metric whose kind lacks a setting, naming the field', () => {
    const broken = { ...template, metrics: [...template.metrics, { key: 'x', name: 'X', kind: 'threshold', eventName: 'purchase', direction: 'increase' }] };
    const result = planTemplateSchema.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([`metrics.${template.metrics.length}.minCount`, expect.stringMatching(/needs minCount/)]);
  });
});
