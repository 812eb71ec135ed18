/**
 * Multiple-testing adjustments, equal to R's `p.adjust`:
 * Bonferroni; Holm (1979), "A simple sequentially rejective multiple test procedure";
 * Benjamini & Hochberg (1995), "Controlling the false discovery rate".
 */
import { StatsInputError } from './errors.ts';

export type AdjustmentMethod = 'holm' | 'benjamini-hochberg' | 'bonferroni';

/**
 * Adjust p-values for multiple comparisons; results keep the input order.
 *
 * @example
 * adjustPValues([0.01, 0.02, 0.03, 0.04, 0.05], 'holm')               // [0.05, 0.08, 0.09, 0.09, 0.09]
 * adjustPValues([0.01, 0.02, 0.03, 0.04, 0.05], 'benjamini-hochberg') // all 0.05
 */
export function adjustPValues(pValues: number[], method: AdjustmentMethod): number[] {
  if (!Array.isArray(pValues)) throw new StatsInputError('pValues', 'must be an array');
  pValues.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new StatsInputError(`pValues[${i}]`, `must be a probability in [0, 1], got ${String(p)}`);
    }
  });
  const m = pValues.length;
  if (method === 'bonferroni') return pValues.map((p) => Math.min(1, m * p));
  const order = pValues.map((_, i) => i);
  const adjusted = new Array<number>(m);
  if (method === 'holm') {
    // step-down: ascending p, multiplier m - rank, running maximum
    order.sort((a, b) => pValues[a] - pValues[b]);
    let running = 0;
    order.forEach((index, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * pValues[index]));
      adjusted[index] = running;
    });
    return adjusted;
  }
  if (method === 'benjamini-hochberg') {
    // step-up: descending p, multiplier m / rank, running minimum
    order.sort((a, b) => pValues[b] - pValues[a]);
    let running = 1;
    order.forEach((index, i) => {
      running = Math.min(running, (m / (m - i)) * pValues[index]);
      adjusted[index] = running;
    });
    return adjusted;
  }
  throw new StatsInputError('method', `must be 'holm', 'benjamini-hochberg' or 'bonferroni', got ${String(method)}`);
}
