/** adjustPValues by hand: each expected value below is worked out from the definitions
 *  (R's p.adjust gives the same), so an empty, reordered or uncapped result fails. */
import { describe, expect, it } from 'vitest';
import { adjustPValues, StatsInputError, type AdjustmentMethod } from './index.ts';

// [name, p-values, method, adjusted (in input order)]
const cases: [string, number[], AdjustmentMethod, number[]][] = [
  // Holm: ascending p times (m - rank), then the running maximum.
  ['holm, the docstring example', [0.01, 0.02, 0.03, 0.04, 0.05], 'holm', [0.05, 0.08, 0.09, 0.09, 0.09]],
  // sorted 0.01 (x3) = 0.03, 0.03 (x2) = 0.06, 0.04 (x1) = 0.04 -> running max 0.06
  ['holm keeps the input order', [0.04, 0.01, 0.03], 'holm', [0.06, 0.03, 0.06]],
  ['holm caps at 1', [0.6, 0.7], 'holm', [1, 1]],
  ['holm, one p-value is unchanged', [0.3], 'holm', [0.3]],
  ['holm, no p-values', [], 'holm', []],
  // Benjamini-Hochberg: descending p times m / (m - i), then the running minimum.
  ['benjamini-hochberg, the docstring example', [0.01, 0.02, 0.03, 0.04, 0.05], 'benjamini-hochberg', [0.05, 0.05, 0.05, 0.05, 0.05]],
  // 0.04 (x3/3) = 0.04, 0.03 (x3/2) = 0.045 -> 0.04, 0.01 (x3) = 0.03
  ['benjamini-hochberg keeps the input order', [0.04, 0.01, 0.03], 'benjamini-hochberg', [0.04, 0.03, 0.04]],
  // descending 0.03 (x4/4) = 0.03, 0.02 (x4/3) = 0.0267, 0.002 (x4/2) = 0.004, 0.001 (x4/1) = 0.004
  ['benjamini-hochberg, step-up minimum', [0.001, 0.03, 0.002, 0.02], 'benjamini-hochberg', [0.004, 0.03, 0.004, 0.08 / 3]],
  ['benjamini-hochberg never exceeds 1', [1, 1], 'benjamini-hochberg', [1, 1]],
  ['benjamini-hochberg, one p-value is unchanged', [0.3], 'benjamini-hochberg', [0.3]],
  ['benjamini-hochberg, no p-values', [], 'benjamini-hochberg', []],
  ['bonferroni multiplies by m', [0.04, 0.01, 0.03], 'bonferroni', [0.12, 0.03, 0.09]],
  ['bonferroni caps at 1', [0.5, 0.6], 'bonferroni', [1, 1]],
  ['p-values of 0 and 1 are accepted', [0, 1], 'holm', [0, 1]],
];

describe('adjustPValues, by hand', () => {
  it.each(cases)('%s', (_name, pValues, method, expected) => {
    const adjusted = adjustPValues(pValues, method);
    expect(adjusted).toHaveLength(expected.length);
    adjusted.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 14));
  });

  it('does not change its input', () => {
    const input = [0.04, 0.01, 0.03];
    adjustPValues(input, 'holm');
    adjustPValues(input, 'benjamini-hochberg');
    expect(input).toEqual([0.04, 0.01, 0.03]);
  });
});

describe('adjustPValues refuses what is not a list of probabilities', () => {
  it.each<[string, () => unknown, string, string]>([
    ['not an array', () => adjustPValues('0.1' as never, 'holm'), 'pValues', 'pValues: must be an array'],
    ['a negative p-value', () => adjustPValues([0.1, -0.01], 'holm'), 'pValues[1]', 'pValues[1]: must be a probability in [0, 1], got -0.01'],
    ['a p-value above 1', () => adjustPValues([1.5], 'bonferroni'), 'pValues[0]', 'pValues[0]: must be a probability in [0, 1], got 1.5'],
    ['a string p-value', () => adjustPValues([0.1, '0.2' as never], 'holm'), 'pValues[1]', 'pValues[1]: must be a probability in [0, 1], got 0.2'],
    ['an unknown method', () => adjustPValues([0.1], 'hommel' as never), 'method', "method: must be 'holm', 'benjamini-hochberg' or 'bonferroni', got hommel"],
  ])('%s', (_name, call, argument, message) => {
    expect(call).toThrow(StatsInputError);
    expect(call).toThrow(expect.objectContaining({ argument, message }));
  });
});
