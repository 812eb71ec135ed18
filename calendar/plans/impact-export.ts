/**
 * The program impact report as text: one sentence for the days still needed (UI and exports
 * alike), a Markdown section (the plan's export and the playbook's) and CSV rows. Plan, metric
 * and experiment names are user text: escaped per format (calendar/escape.ts).
 */
import { markdownText, toCsv } from '../escape.ts';
import { formatPercent } from '../format.ts';
import type { ProgramImpact } from './impact.ts';
import { daysNeededText, meanText } from './impact-text.ts';

export { daysNeededText, meanText };

const signed = (x: number | null) => formatPercent(x, { sign: 'nonnegative', trim: true });
const plain = (x: number) => formatPercent(x, { sign: 'none', trim: true });
const pText = (p: number | null) => (p === null ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/**
 * The program impact as a Markdown section (heading level `level`), for the plan's export and the playbook's.
 * @example impactToMarkdown(await programImpact(data, 1, now), { level: 2 })
 */
export function impactToMarkdown(impact: ProgramImpact, options: { level?: number } = {}): string {
  const h = '#'.repeat(options.level ?? 2);
  const { power } = impact;
  const out = [`${h} Program impact: ${markdownText(impact.planName)}`, ''];
  out.push(`${plain(impact.holdoutShare)} of users held out; everyone else exposed to the plan compared with them${impact.sequential ? ' (sequential: valid at every look while the plan runs)' : ''}.`, '');
  if (power.warning) out.push(`> **Power check:** ${markdownText(power.warning)}.`, '');
  out.push(`- Expected lift: +${plain(power.expectedLift)} (${power.expectedFrom})`,
    `- Detectable now: ${power.detectableLift === null ? '—' : `+${plain(power.detectableLift)}`} (${power.basis ?? 'no data'})`,
    `- Days needed: ${daysNeededText(power)}; the plan ends in ${power.daysLeft} days`,
    `- Shipped winners covered: ${impact.shippedWinners.length ? impact.shippedWinners.map((w) => `${markdownText(w.name)} (\`${w.variant.replace(/`/g, '')}\`)`).join(', ') : 'none yet'}`,
    `- Assumption: ${markdownText(power.assumption)}`, '');
  if (!impact.metrics.length) return [...out, 'No primary metrics in this plan\'s experiments yet.', ''].join('\n');
  out.push('| Metric | Kind | Holdout | Everyone else | Lift | 95% CI | p |', '|---|---|---:|---:|---:|---:|---:|');
  for (const m of impact.metrics) {
    out.push(`| ${markdownText(m.name)}${m.goal ? ' (goal)' : ''} | ${m.kind} | ${meanText(m.kind, m.holdout.mean)} (${m.holdout.users}) | ${meanText(m.kind, m.rest.mean)} (${m.rest.users}) | ` +
      `${signed(m.lift)} | ${m.ci ? `${signed(m.ci[0])} to ${signed(m.ci[1])}` : '—'} | ${pText(m.pValue)} |`);
  }
  const notes = impact.metrics.filter((m) => m.note);
  if (notes.length) out.push('', ...notes.map((m) => `- ${markdownText(m.name)}: ${markdownText(m.note)}`));
  return [...out, ''].join('\n');
}

/**
 * The program impact as CSV: one row per metric with the plan's power check repeated on each, so a spreadsheet filter keeps it.
 * @example impactToCsv(impact).split('\r\n')[0] // 'plan,metric,kind,goal,holdout_users,…'
 */
export function impactToCsv(impact: ProgramImpact): string {
  const { power } = impact;
  const header = ['plan', 'metric', 'kind', 'goal', 'holdout_users', 'holdout_mean', 'rest_users', 'rest_mean', 'waiting', 'lift', 'ci_low', 'ci_high', 'p_value',
    'detectable_lift', 'holdout_share', 'sequential', 'expected_lift', 'expected_from', 'plan_detectable_lift', 'days_needed', 'enough', 'days_left', 'shipped_winners', 'warning', 'note'];
  const winners = impact.shippedWinners.map((w) => `${w.key}:${w.variant}`).join(' ');
  return toCsv([header, ...impact.metrics.map((m) => [
    impact.planName, m.key, m.kind, m.goal, m.holdout.users, m.holdout.mean, m.rest.users, m.rest.mean, m.waiting, m.lift, m.ci?.[0] ?? null, m.ci?.[1] ?? null, m.pValue,
    m.detectableLift, impact.holdoutShare, impact.sequential, power.expectedLift, power.expectedFrom, power.detectableLift, power.daysNeeded, power.enough, power.daysLeft,
    winners, power.warning, m.note
  ])]);
}
