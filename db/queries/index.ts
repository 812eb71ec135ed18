export {
  withMetricUsers, winsorizationCaps, METRIC_USERS_TABLE, type MetricQuerySpec
} from './metric-users.ts';
export {
  aggregateMetrics, exposuresByDay, exposureSpan, segmentAttributes,
  type GroupAggregate, type GroupBy, type MetricSums
} from './metric-aggregates.ts';
