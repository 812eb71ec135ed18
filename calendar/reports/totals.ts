import type { GroupAggregate } from '../../db/store/index.ts';

/**
 * Per-variant totals from cumulative by-day aggregates (the last day of each variant), so a
 * report needs one GROUP BY pass for both the totals and the daily curve.
 * @example totalsFromCumulative((await data.reportSource.aggregates(input)).daily)
 */
export function totalsFromCumulative(daily: GroupAggregate[]): GroupAggregate[] {
  const last = new Map<string, GroupAggregate>();
  for (const row of daily) {
    const seen = last.get(row.variant);
    if (!seen || (row.day ?? 0) > (seen.day ?? 0)) last.set(row.variant, row);
  }
  return [...last.values()].map((row) => ({ ...row, day: null })).sort((a, b) => a.variant.localeCompare(b.variant));
}
