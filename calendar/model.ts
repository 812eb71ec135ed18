/**
 * The domain's vocabulary (statuses, channels, metric kinds and roles), for the domain and the
 * UI. The lists are defined once beside the tables that store them (db/schema.ts); callers
 * outside db/ import them from here, so the UI never reaches into the schema.
 */
export {
  experimentStatuses, channels, metricKinds, metricRoles,
  type ExperimentStatus, type Channel, type MetricKind, type MetricRole, type TargetingCondition
} from '../db/schema.ts';
