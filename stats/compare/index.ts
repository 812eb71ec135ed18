export { compareMeans } from './means.ts';
export { compareProportions } from './proportions.ts';
export { compareRatios } from './ratios.ts';
export { DEFAULT_TUNING } from './sequential.ts';
