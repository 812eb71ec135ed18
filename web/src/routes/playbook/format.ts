import { formatPercent } from '$calendar/format.ts';

/** +0.212 -> "+21.2%", null -> "—". */
export function signedPercent(x: number | null): string {
  return formatPercent(x, { sign: 'nonnegative', trim: true });
}
