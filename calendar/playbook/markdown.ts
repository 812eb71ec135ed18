import type { Data } from '../../db/store/index.ts';
import { isoDay } from '../dates.ts';
import { groupPlaybook, listPlaybook, type PlaybookGroup } from './queries.ts';
import { formatPercent } from '../format.ts';
import { markdownText } from '../escape.ts';
import { impactToMarkdown, programImpacts, type ProgramImpact } from '../plans/index.ts';

const pct = (x: number | null) => formatPercent(x, { sign: 'nonnegative', trim: true });
const pText = (p: number | null) => (p === null ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));
/** Text from people and SDKs can make no markup in the export (calendar/escape.ts). */
const cell = (s: string | null | undefined) => (s == null ? '—' : markdownText(s));

/**
 * The playbook as Markdown: each plan's program impact (what its shipped winners added up to
 * against its holdout), a "what we know works" table per channel, then each stage's entries
 * with effect, CI, p-value, audience, evidence link and learning.
 * @example playbookToMarkdown(groupPlaybook(await listPlaybook(data)), { baseUrl: 'https://x.example' })
 */
export function playbookToMarkdown(groups: PlaybookGroup[], options: { baseUrl?: string; generatedAt?: string; impacts?: ProgramImpact[] } = {}): string {
  const out = ['# Playbook: what we know works', ''];
  if (options.generatedAt) out.push(`_Generated ${options.generatedAt}._`, '');
  for (const impact of options.impacts ?? []) out.push(impactToMarkdown(impact, { level: 2 }));
  if (!groups.length) return [...out, 'No promoted experiments yet.', ''].join('\n');
  out.push('| Channel | Wins | Median lift |', '|---|---:|---:|');
  for (const g of groups) out.push(`| ${cell(g.channel)} | ${g.summary.wins} | ${pct(g.summary.medianLift)} |`);
  for (const g of groups) {
    out.push('', `## ${cell(g.channel)}`);
    for (const s of g.stages) {
      out.push('', `### ${cell(s.stage)}`);
      for (const e of s.entries) {
        const link = e.evidenceUrl ? `${options.baseUrl ?? ''}${e.evidenceUrl}` : null;
        out.push('', `- **${cell(e.title)}**: winner \`${e.winningVariantKey ?? '—'}\`, ${cell(e.metricKey)} ${pct(e.relativeLift)} ` +
          `(95% CI ${pct(e.ciLow)} to ${pct(e.ciHigh)}, p ${pText(e.pValue)})`);
        if (e.override) out.push(`  - ${cell(e.override.text)}${e.override.rationale ? `: ${cell(e.override.rationale)}` : ''}`);
        if (e.exploratory) out.push('  - Exploratory: no success criteria were pre-registered.');
        if (e.whatWasTested) out.push(`  - Tested: ${cell(e.whatWasTested)}`);
        out.push(`  - Channels: ${cell(e.channels.join(', ') || null)} · Audience: ${cell(e.audience ?? 'everyone')}`);
        out.push(`  - Learning: ${cell(e.learning)}`);
        if (link) out.push(`  - Evidence: [report](${link})`);
      }
    }
  }
  return [...out, ''].join('\n');
}

/**
 * The whole export: search the playbook, group it and write it, dated by the server's day.
 * Shared by `GET /api/v1/playbook.md` and the UI's `/playbook/export.md`.
 * @example await exportPlaybookMarkdown(data, { q: 'email', baseUrl: 'http://127.0.0.1:3000', nowMs: Date.now() })
 */
export async function exportPlaybookMarkdown(data: Data, options: { q?: string; baseUrl: string; nowMs: number }): Promise<string> {
  const [items, impacts] = await Promise.all([listPlaybook(data, { q: options.q }), programImpacts(data, options.nowMs)]);
  return playbookToMarkdown(groupPlaybook(items), { baseUrl: options.baseUrl, generatedAt: isoDay(options.nowMs), impacts });
}
