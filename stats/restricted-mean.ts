/**
 * Restricted mean time to an event (RMST) from sufficient statistics, for time-to-event
 * metrics without censoring inside the window: Royston & Parmar (2013), "Restricted mean
 * survival time: an alternative to the hazard ratio", BMC Med Res Methodol 13:152. When every
 * user was observed for the whole window τ, the RMST is the plain mean of min(T, τ), so:
 * 1. users with the event in the window contribute their time T (< τ);
 * 2. users without it contribute τ (the restriction);
 * 3. the arm's `MeanStats` are n, ΣT + (n - k)·τ and ΣT² + (n - k)·τ², k = users with the event,
 *    and `compareMeans` (Welch) compares arms.
 */
import { StatsInputError } from './errors.ts';
import type { MeanStats } from './types.ts';
import { requireCount, requireFinite, requireNonNegative } from './compare/validate.ts';

/** One arm of a time-to-event metric: users observed for the whole window, and the times of those with the event. */
export type TimeToEventStats = {
  /** Users whose whole window was observed. */
  n: number;
  /** Users among them with the event inside the window. */
  events: number;
  /** Σ time to the event over those users (any unit; the restriction in the same unit). */
  sumTimes: number;
  /** Σ time² over those users. */
  sumTimeSquares: number;
  /** The window τ: users without the event count as τ. */
  restriction: number;
};

/**
 * The `MeanStats` of min(T, τ) for one arm (steps 1-3 of the file comment). Throws
 * StatsInputError naming the field at fault.
 * @example
 * restrictedMeanStats({ n: 4, events: 2, sumTimes: 30, sumTimeSquares: 500, restriction: 168 })
 * // { n: 4, sum: 366, sumSquares: 56948 } (mean 91.5 hours)
 */
export function restrictedMeanStats(arm: TimeToEventStats): MeanStats {
  if (arm === null || typeof arm !== 'object') throw new StatsInputError('arm', 'must be an object of sufficient statistics');
  const n = requireCount(arm.n, 'n');
  const events = requireCount(arm.events, 'events');
  if (events > n) throw new StatsInputError('events', `must not exceed n (${n})`);
  const tau = requireFinite(arm.restriction, 'restriction');
  if (!(tau > 0)) throw new StatsInputError('restriction', 'must be positive');
  const sumTimes = requireNonNegative(arm.sumTimes, 'sumTimes');
  const sumTimeSquares = requireNonNegative(arm.sumTimeSquares, 'sumTimeSquares');
  if (sumTimes > events * tau * (1 + 1e-12)) throw new StatsInputError('sumTimes', `must not exceed events × restriction (${events * tau})`);
  const rest = n - events;
  return { n, sum: sumTimes + rest * tau, sumSquares: sumTimeSquares + rest * tau * tau };
}
