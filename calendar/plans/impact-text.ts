/**
 * The program impact report's words and units, shared by the exports and the UI (so this file
 * imports nothing that cannot run in a browser).
 */
import { formatPercent } from '../format.ts';
import type { ImpactMetric, ImpactPower } from './impact.ts';

const plain = (x: number) => formatPercent(x, { sign: 'none', trim: true });

/**
 * How many more days the holdout needs, in words.
 * @example daysNeededText({ enough: false, daysNeeded: 23, … }) // 'about 23 more days'
 */
export function daysNeededText(power: Pick<ImpactPower, 'enough' | 'daysNeeded' | 'basis'>): string {
  if (power.enough) return 'enough: the holdout can show the expected lift now';
  if (power.daysNeeded !== null) return `about ${power.daysNeeded.toLocaleString('en-US')} more day${power.daysNeeded === 1 ? '' : 's'}`;
  return power.basis === 'measured' ? 'unknown: no new plan users in the last 7 days' : 'unknown until the goal metrics have data';
}

/**
 * A group's mean in the metric's unit: a rate as a percentage, a time to event in hours, else a number.
 * @example meanText('time_to_event', 21.5) // '21.5 h'
 */
export function meanText(kind: ImpactMetric['kind'], mean: number | null): string {
  if (mean === null) return '—';
  if (kind === 'binomial' || kind === 'retention' || kind === 'threshold') return plain(mean);
  if (kind === 'time_to_event') return `${mean.toFixed(1)} h`;
  return mean.toFixed(mean >= 100 ? 1 : 3);
}
