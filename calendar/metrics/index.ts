export { createMetric, listMetrics, createMetricInput, type CreateMetricInput, type MetricRow } from './commands.ts';
export { defaultDirection, definitionIssues, kindFields, withUnusedFieldsCleared, type DefinitionIssue } from './definition.ts';
