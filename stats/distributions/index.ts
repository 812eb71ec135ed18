export { normalCdf, normalDensity, normalQuantile, normalUpperQuantile, normalUpperTail } from './normal.ts';
export { tCdf, tDensity, tQuantile, tUpperQuantile, tUpperTail } from './student-t.ts';
export { chiSquareUpperTail } from './chi-square.ts';
export { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.ts';
export { regularizedBeta } from './incomplete-beta.ts';
export { logGamma, logBeta } from './log-gamma.ts';
