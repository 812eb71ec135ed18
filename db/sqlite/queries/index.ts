export {
  withMetricUsers, winsorizationCaps, METRIC_USERS_TABLE, type MetricQuerySpec
} from './metric-users.ts';
export {
  aggregateMetrics, exposuresByDay, exposureSpan, segmentAttributes, segmentAttributeSeen, totalsFromCumulative,
  type GroupAggregate, type GroupBy, type MetricSums
} from './metric-aggregates.ts';
export {
  needsFullRebuild, rebuildMetricStoreInChunks, refreshMetricStore, refreshState, tuneForReports, isWinsorized, USERS_METRIC_ID,
  type ExposureGroup, type RebuildPath, type RefreshResult, type StoreMetric
} from './metric-store.ts';
export { exposureGroups, storeCaps, storeDailyAggregates, storeExposureSpan } from './store-aggregates.ts';
export { storeSegmentAggregates } from './segment-sums.ts';
export { attachReportStore, ensureReportStore, reportStorePath } from './report-store-schema.ts';
