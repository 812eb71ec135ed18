/** Input checks shared by the comparisons; each failure names the argument. */
import { StatsInputError } from '../errors.ts';
import type { Alternative, CompareOptions } from '../types.ts';
import { DEFAULT_TUNING } from './sequential.ts';

export function requireFinite(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StatsInputError(argument, `must be a finite number, got ${String(value)}`);
  }
  return value;
}

export function requireNonNegative(value: unknown, argument: string): number {
  const v = requireFinite(value, argument);
  if (v < 0) throw new StatsInputError(argument, `must not be negative, got ${v}`);
  return v;
}

/** A count of users: a non-negative integer of at least `minimum`. */
export function requireCount(value: unknown, argument: string, minimum = 0): number {
  const v = requireNonNegative(value, argument);
  if (!Number.isInteger(v)) throw new StatsInputError(argument, `must be an integer count, got ${v}`);
  if (v < minimum) {
    throw new StatsInputError(argument, `must be at least ${minimum} (an arm needs ${minimum} users to estimate a variance), got ${v}`);
  }
  return v;
}

/** Sample variance from sums; rejects Σy² < (Σy)²/n beyond rounding. */
export function sampleVariance(n: number, sum: number, sumSquares: number, argument: string): number {
  const mean = sum / n;
  const ss = sumSquares - sum * mean;
  if (ss < 0) {
    if (ss < -1e-9 * Math.max(sumSquares, 1)) {
      throw new StatsInputError(argument, `sum of squares ${sumSquares} is below (Σ)²/n = ${sum * mean}; the sums are inconsistent`);
    }
    return 0;
  }
  return ss / (n - 1);
}

export type ResolvedOptions = {
  alpha: number;
  alternative: Alternative;
  sequential: { tuning: number } | null;
};

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'greater', 'less'];

export function resolveOptions(options: CompareOptions = {}): ResolvedOptions {
  const alpha = options.alpha ?? 0.05;
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
    throw new StatsInputError('options.alpha', `must be between 0 and 1 (exclusive), got ${String(alpha)}`);
  }
  const alternative = options.alternative ?? 'two-sided';
  if (!ALTERNATIVES.includes(alternative)) {
    throw new StatsInputError('options.alternative', `must be one of ${ALTERNATIVES.join(', ')}, got ${String(alternative)}`);
  }
  let sequential: ResolvedOptions['sequential'] = null;
  if (options.sequential) {
    const tuning = options.sequential.tuning ?? DEFAULT_TUNING;
    if (typeof tuning !== 'number' || !Number.isFinite(tuning) || tuning <= 0) {
      throw new StatsInputError('options.sequential.tuning', `must be a positive number, got ${String(tuning)}`);
    }
    if (alternative !== 'two-sided' && alpha >= 0.5) {
      throw new StatsInputError('options.alpha', 'one-sided sequential tests need alpha < 0.5');
    }
    sequential = { tuning };
  }
  return { alpha, alternative, sequential };
}
