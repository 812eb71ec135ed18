/** Loads the R reference fixtures (stats/fixtures/*.json) for the tests. */
import { readFileSync } from 'node:fs';

/** Parse a fixture file; "Inf" / "-Inf" strings become ±Infinity. */
export function loadFixture<T>(name: string): T[] {
  const text = readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8');
  return JSON.parse(text, (_key, value) => (value === 'Inf' ? Infinity : value === '-Inf' ? -Infinity : value));
}

/** |actual - expected| / |expected|, with exact matches (including infinities) as 0. */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Tracks the worst relative error seen, and where. */
export class ErrorTracker {
  max = 0;
  where = '';
  record(actual: number, expected: number, where: string): number {
    const error = relativeError(actual, expected);
    if (!(error <= this.max)) {
      this.max = error;
      this.where = where;
    }
    return error;
  }
}
