export {
  withMetricUsers, winsorizationCaps, METRIC_USERS_TABLE, type MetricQuerySpec
} from './metric-users.ts';
export {
  aggregateMetrics, exposuresByDay, exposureSpan, segmentAttributes, totalsFromCumulative,
  type GroupAggregate, type GroupBy, type MetricSums
} from './metric-aggregates.ts';
