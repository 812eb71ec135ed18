/** Number formatting shared by the Markdown and CSV exports (and the page). */
import { formatPercent } from '../format.ts';

/** 0.213 -> "+21.3%"; null/NaN -> "—". */
export function signedPercent(x: number | null | undefined, digits = 1): string {
  return formatPercent(x, { digits });
}

/** A p-value the way reviewers read it: "< 0.001" or three decimals. */
export function pValueText(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** A mean or rate: rates as percentages, other values with up to 4 significant digits. */
export function meanText(x: number | null | undefined, kind: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (kind === 'binomial' || kind === 'retention' || kind === 'threshold') return `${(100 * x).toFixed(2)}%`;
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(4)).toString();
}

export const outcomeLabel: Record<string, string> = {
  ship: 'Ship', 'no-ship': 'Do not ship', inconclusive: 'Inconclusive', harmful: 'Harmful'
};

/**
 * The line that says a reviewer overrode the computed decision (null when they agree or nobody
 * decided): shown on the report banner, in the exports and on the playbook card.
 * @example overrideText('inconclusive', ['Not enough evidence yet.'], 'ship') // 'Reviewer: Ship — computed: Inconclusive, because not enough evidence yet.'
 */
export function overrideText(computed: string, reasons: readonly string[], finalDecision: string | null | undefined): string | null {
  if (!finalDecision || finalDecision === computed) return null;
  const reason = reasons.find((r) => r.trim() !== '');
  const because = reason ? `, because ${reason.charAt(0).toLowerCase()}${reason.slice(1)}` : '';
  return `Reviewer: ${outcomeLabel[finalDecision] ?? finalDecision} — computed: ${outcomeLabel[computed] ?? computed}${because}`;
}

/**
 * The restarts after a stop, as the report page words them (plain text: each export escapes it
 * for its format). Dates in UTC, so an export reads the same in every time zone.
 * @example restartsText([{ atMs: Date.UTC(2026, 11, 10), actor: 'ui:planner', reason: 'fixed the link' }]) // 'on 2026-12-10 by ui:planner (“fixed the link”)'
 */
export function restartsText(restarts: ReadonlyArray<{ atMs: number; actor: string; reason: string | null }>): string {
  return restarts.map((x) => `on ${new Date(x.atMs).toISOString().slice(0, 10)} by ${x.actor}${x.reason ? ` (“${x.reason}”)` : ' (no reason given)'}`).join('; ');
}
