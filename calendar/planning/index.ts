export { powerCheck, type PowerInput, type PowerCheck } from './power.ts';
export { measuredBaseline, MIN_MEASURED_USERS, type MeasuredBaseline } from './baseline.ts';
export {
  experimentPower, planningMetrics, dailyUsersFor, trafficShareOf,
  type ExperimentPower, type PlanningMetric, type BaselineSource
} from './experiment-power.ts';
export { findConflicts, type Conflict, type Schedulable } from './conflicts.ts';
export { putInOneLayer } from './layers.ts';
export { getPlanTimeline, type PlanTimeline, type TimelineExperiment } from './timeline.ts';
export { plannedExperimentInput, criterionInput, type PlannedExperimentInput, type PlannedExperiment } from './experiment-input.ts';
export { createPlannedExperiment, updatePlannedExperiment, slugify } from './experiment-editor.ts';
export { parseInput } from './parse.ts';
