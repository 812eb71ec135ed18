export {
  listExperiments, getExperimentDetail, endDateOf,
  type ExperimentSummary, type ExperimentDetail, type ExperimentRow, type VariantRow
} from './queries.ts';
