/**
 * Percentages, formatted in one place for the API's exports, the reasons of decisions, the
 * playbook and the UI (which imports this module through `$calendar`).
 */
export type PercentStyle = {
  /** Digits after the point (default 1). */
  digits?: number;
  /** '+' on positive values ('positive', the default), on zero too ('nonnegative'), or never ('none'). */
  sign?: 'positive' | 'nonnegative' | 'none';
  /** Drop trailing zeros: 12.50% -> 12.5%, 20.0% -> 20% (default false). */
  trim?: boolean;
};

/**
 * A fraction as a percentage; null, undefined and non-finite values as an em dash.
 * @example formatPercent(0.213) // "+21.3%"
 * @example formatPercent(0, { sign: 'nonnegative' }) // "+0.0%"
 * @example formatPercent(0.125, { sign: 'none', trim: true }) // "12.5%"
 */
export function formatPercent(x: number | null | undefined, style: PercentStyle = {}): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const { digits = 1, sign = 'positive', trim = false } = style;
  const fixed = (100 * x).toFixed(digits);
  const number = trim ? String(Number(fixed)) : fixed;
  const plus = (sign === 'positive' && x > 0) || (sign === 'nonnegative' && x >= 0) ? '+' : '';
  return `${plus}${number}%`;
}
