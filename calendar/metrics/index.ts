export { createMetric, listMetrics, createMetricInput, type CreateMetricInput, type MetricRow } from './commands.ts';
