export { assignRoutes } from './routes.ts';
export { assignUser, type AssignRequest, type AssignResult } from './assign.ts';
export { evaluateExperiment, configFor, assignmentReasons, type Assignment, type AssignmentReason, type ExperimentConfig } from './evaluate.ts';
export { hash, fnv1a32, getBucketRanges, chooseVariation, inNamespace, getEqualWeights, type BucketRange, type NamespaceRange } from './hash.ts';
export { ExperimentConfigCache } from './config-cache.ts';
export { conditionHolds, targetingHolds, type Attributes } from './targeting.ts';
