export {
  listExperiments, getExperimentDetail, endDateOf,
  type ExperimentSummary, type ExperimentDetail, type ExperimentRow, type VariantRow
} from './queries.ts';
export {
  createExperiment, updateExperiment, startExperiment, restartExperiment, stopExperiment, assertLayerSliceFree, type CommandContext
} from './commands.ts';
export {
  createExperimentInput, updateExperimentInput, targetingConditionInput, variantInput, successCriterionInput,
  type CreateExperimentInput, type UpdateExperimentInput
} from './input.ts';
export { findExperiments, matchesFilter, type ExperimentListItem, type ExperimentFilter } from './finder.ts';
