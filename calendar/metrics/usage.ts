import type { Data, MetricUsage } from '../../db/store/index.ts';
import type { Metric } from '../model.ts';
import { NotFoundError } from '../errors.ts';

/** A metric with the experiments that use it (as primary, secondary or guardrail). */
export type MetricWithUsage = Metric & { usedBy: Array<Omit<MetricUsage, 'metricId'>> };

const usageOf = (rows: MetricUsage[], id: number) =>
  rows.filter((u) => u.metricId === id).map(({ metricId: _, ...rest }) => rest);

/**
 * Every metric (by key) with the experiments that use it.
 * @example (await metricsWithUsage(data)).find((m) => m.key === 'activation')?.usedBy.length // 3
 */
export async function metricsWithUsage(data: Data): Promise<MetricWithUsage[]> {
  const [metrics, usage] = [await data.metrics.list(), await data.experiments.metricUsage()];
  return metrics.map((m) => ({ ...m, usedBy: usageOf(usage, m.id) }));
}

/**
 * One metric with the experiments that use it; throws NotFoundError.
 * @example (await metricWithUsage(data, 'activation')).usedBy[0] // { experimentKey: 'w01-…', role: 'primary', status: 'running', … }
 */
export async function metricWithUsage(data: Data, key: string): Promise<MetricWithUsage> {
  const metric = await data.metrics.byKey(key);
  if (!metric) throw new NotFoundError('metric', key);
  return { ...metric, usedBy: usageOf(await data.experiments.metricUsage(metric.id), metric.id) };
}
