// The experiment the report benchmarks build (bench/report.bench.ts, bench/serving.bench.ts).
import type { Db } from '../db/sqlite/connection.ts';
import type { MetricQuerySpec } from '../db/sqlite/queries/index.ts';
import { experimentMetrics, experiments, metrics, successCriteria, variants } from '../db/sqlite/schema.ts';

const START = Date.parse('2026-11-30T00:00:00Z');

/** Synthetic traffic for `bench`: ~2.6 events per exposed user, a `segment` attribute. */
export const benchTraffic = {
  variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 1 }],
  events: [
    { name: 'open', rate: { control: 0.8, treatment: 0.8 }, maxPerUser: 3 },
    { name: 'click', rate: { control: 0.3, treatment: 0.33 }, maxPerUser: 2 },
    { name: 'activation', rate: { control: 0.3, treatment: 0.32 } },
    { name: 'purchase', rate: { control: 0.2, treatment: 0.2 }, meanValue: { control: 40, treatment: 42 } },
    { name: 'unsubscribe', rate: { control: 0.02, treatment: 0.02 } }
  ],
  attributes: (i: number) => ({ segment: i % 3 === 0 ? 'new' : 'returning' })
};

/** The metrics of the benchmarks' experiment `bench` (one of each kind, a guardrail), on both engines. */
export const benchMetrics = [
  { key: 'activation', name: 'Activation', kind: 'binomial', eventName: 'activation', role: 'primary', baseline: 0.3 },
  { key: 'opens', name: 'Opens per user', kind: 'count', eventName: 'open', role: 'secondary' },
  { key: 'revenue', name: 'Revenue per user', kind: 'sum', eventName: 'purchase', role: 'secondary', winsorizePercentile: 0.99 },
  { key: 'ctr', name: 'Click-through', kind: 'ratio', eventName: 'click', denominatorEventName: 'open', role: 'secondary' },
  { key: 'unsubscribe', name: 'Unsubscribe', kind: 'binomial', eventName: 'unsubscribe', role: 'guardrail', direction: 'decrease' }
] as const;

/** The benchmarks' experiment `bench`: stopped after 14 days, 5 metrics (one of each kind, a guardrail), two criteria. */
export function setUpReportExperiment(db: Db): { experimentId: number; specs: MetricQuerySpec[] } {
  const id = db.insert(experiments).values({ key: 'bench', name: 'Bench', status: 'stopped', startDate: '2026-11-30', durationDays: 14, startedAtMs: START, stoppedAtMs: START + 14 * 86_400_000, plannedMde: 0.05 }).returning().get().id;
  db.insert(variants).values([
    { experimentId: id, key: 'control', name: 'Control', weight: 0.5, isControl: true, position: 0 },
    { experimentId: id, key: 'treatment', name: 'Treatment', weight: 0.5, position: 1 }
  ]).run();
  const defs = benchMetrics;
  const specs: MetricQuerySpec[] = defs.map((m) => ({ key: m.key, kind: m.kind, eventName: m.eventName, windowDays: 14,
    denominatorEventName: 'denominatorEventName' in m ? m.denominatorEventName : null,
    winsorizePercentile: 'winsorizePercentile' in m ? m.winsorizePercentile : null }));
  for (const { role, ...m } of defs) {
    const metricId = db.insert(metrics).values(m).returning().get().id;
    db.insert(experimentMetrics).values({ experimentId: id, metricId, role }).run();
  }
  db.insert(successCriteria).values([
    { experimentId: id, kind: 'lift', metricKey: 'activation', minRelativeLift: 0.05, maxPValue: 0.05, description: 'activation +5%' },
    { experimentId: id, kind: 'guardrail', metricKey: 'unsubscribe', maxRelativeDegradation: 0.1, description: 'unsubscribe not 10% worse' }
  ]).run();
  return { experimentId: id, specs };
}

