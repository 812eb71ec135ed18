/**
 * stats/: pure statistics for experiment analysis. No I/O; inputs are sufficient
 * statistics per arm. See README.md for methods, references and worked examples.
 */
export type {
  Alternative,
  CompareOptions,
  Comparison,
  CovariateArmStats,
  CovariateStats,
  Estimate,
  Interval,
  MeanStats,
  ProportionStats,
  RatioStats,
} from './types.ts';
export { StatsInputError } from './errors.ts';
export { compareMeans, compareProportions, compareRatios, DEFAULT_TUNING } from './compare/index.ts';
export { restrictedMeanStats, type TimeToEventStats } from './restricted-mean.ts';
export { sampleRatioMismatch, SRM_THRESHOLD, type SampleRatioMismatch } from './srm.ts';
export { adjustPValues, type AdjustmentMethod } from './multiple-testing.ts';
export {
  minimumDetectableEffect,
  requiredSampleSize,
  nonInferiorityScale,
  type DetectableEffectInput,
  type SampleSizeInput,
} from './sample-size.ts';
export { chanceToBeatControl } from './bayesian.ts';
export { testNonInferiority, type NonInferiority, type NonInferiorityOptions } from './non-inferiority.ts';
export {
  chiSquareUpperTail,
  normalCdf,
  normalQuantile,
  normalUpperQuantile,
  normalUpperTail,
  tCdf,
  tQuantile,
  tUpperQuantile,
  tUpperTail,
} from './distributions/index.ts';
