/** +0.212 -> "+21.2%", null -> "—". */
export function signedPercent(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return `${x >= 0 ? '+' : ''}${Number((x * 100).toFixed(1))}%`;
}
