import { meanText, outcomeLabel, overrideText, pValueText, restartsText, signedPercent } from './format.ts';
import type { MetricResult, Report } from './types.ts';
import { markdownText as text } from '../escape.ts';

/** A table cell: `|` cannot end it, a line break cannot end the row. User text goes through `text` first. */
const cell = (s: string | number) => String(s).replace(/(?<!\\)\|/g, '\\|').replaceAll('\n', ' ');
const row = (cells: Array<string | number>) => `| ${cells.map(cell).join(' | ')} |`;

function metricTable(metrics: MetricResult[], alpha: number): string[] {
  const lines = [
    row(['Metric', 'Role', 'Variant', 'Users', 'Mean', 'Lift', `${Math.round(100 * (1 - alpha))}% CI`, 'p (adj.)', 'Chance to beat control', 'Result']),
    row(['---', '---', '---', '---:', '---:', '---:', '---', '---:', '---:', '---'])
  ];
  for (const m of metrics) {
    for (const arm of m.arms) {
      const c = m.comparisons.find((x) => x.variant === arm.variant);
      lines.push(row([
        `${text(m.name)} (${m.direction === 'increase' ? '↑' : '↓'})`, m.role, arm.variant, arm.users.toLocaleString('en-US'), meanText(arm.mean, m.kind),
        c?.relative ? signedPercent(c.relative.estimate) : c ? '—' : 'control',
        c?.relative ? `${signedPercent(c.relative.ciLow)} to ${signedPercent(c.relative.ciHigh)}` : '',
        c ? pValueText(c.adjustedPValue) : '', c ? `${Math.round(100 * c.chanceToBeatControl)}%` : '', c ? c.verdict : ''
      ]));
    }
  }
  return lines;
}

/**
 * The report as Markdown for a doc or a chat: decision and reasons first, then health,
 * metrics, guardrails, segments and the criteria as written.
 * @example reportToMarkdown(buildReport(db, key, {}, Date.now())).startsWith('# ') // true
 */
export function reportToMarkdown(report: Report): string {
  const d = report.decision;
  const h = report.health;
  const out: string[] = [];
  out.push(`# ${text(report.experiment.name)} (\`${report.experiment.key}\`)`, '');
  const override = report.recorded ? overrideText(d.outcome, d.reasons, report.recorded.finalDecision) : null;
  if (override) out.push(`**${text(override)}**`, '');
  if (report.exploratory) out.push('_Exploratory: started without success criteria on purpose._', '');
  out.push(`**Decision: ${outcomeLabel[d.outcome]}${d.winningVariant ? ` — ${d.winningVariant}` : ''}** ` +
    `(computed from the success criteria; ${report.analysis === 'sequential' ? 'sequential, always-valid' : 'fixed-horizon'} analysis, ` +
    `${report.correction === 'none' ? 'no' : report.correction} correction, α = ${report.alpha})`, '');
  for (const reason of d.reasons) out.push(`- ${text(reason)}`);
  if (report.amendedDecision) {
    const a = report.amendedDecision;
    out.push('', `By the amended criteria: ${outcomeLabel[a.outcome]}${a.winningVariant ? ` — ${a.winningVariant}` : ''} (for comparison; the decision uses the registered criteria)`);
  }
  if (report.recorded) {
    const r = report.recorded;
    out.push('', `**Reviewer decision: ${outcomeLabel[r.finalDecision] ?? r.finalDecision}${r.winningVariantKey ? ` — ${r.winningVariantKey}` : ''}** ` +
      `by ${text(r.decidedBy)} on ${new Date(r.decidedAtMs).toISOString().slice(0, 10)}${r.rationale ? `: ${text(r.rationale)}` : ''}`);
  }
  // As on the report page: a stop and a new start invite peeking, and the data spans every run.
  if (report.restarts.length) {
    out.push('', `> ⚠ **Restarted after a stop** ${text(restartsText(report.restarts))}. ` +
      'Stopping and starting again invites peeking: the data spans both runs, so read the result with that in mind.');
  }
  out.push('', '## Health', '');
  out.push(row(['Check', 'Value']), row(['---', '---']));
  out.push(row(['Sample ratio', h.srm ? `${h.srm.mismatch ? '⚠ mismatch' : 'OK'} (p = ${h.srm.pValue.toPrecision(2)}; ` +
    `${Object.entries(h.srm.observed).map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ')})` : 'no data']));
  out.push(row(['Users exposed', `${h.usersExposed.toLocaleString('en-US')}${h.usersNeeded !== null ? ` of ${h.usersNeeded.toLocaleString('en-US')} needed` : ''}`]));
  out.push(row(['Days run', `${h.daysRun} of ${h.daysPlanned} planned`]));
  out.push(row(['Users exposed to more than one variant', h.multipleVariantUsers.toLocaleString('en-US')]));
  if (h.warnings.length) out.push('', ...h.warnings.map((w) => `> ⚠ ${text(w)}`));
  out.push('', '## Metrics', '', ...metricTable(report.metrics, report.alpha));
  // What a retention or time-to-event row counts (its window, restriction, users still waiting), and why a comparison is missing.
  const notes = report.metrics.flatMap((m) => m.notes.map((n) => `- ${text(m.name)}: ${text(n)}`));
  if (notes.length) out.push('', ...notes);
  const guardrails = report.metrics.flatMap((m) => m.guardrails.map((g) => ({ m, g })));
  if (guardrails.length) {
    out.push('', '## Guardrails (non-inferiority)', '', row(['Metric', 'Variant', 'Limit', 'Worst plausible change', 'Within limit']), row(['---', '---', '---:', '---:', '---']));
    for (const { m, g } of guardrails) {
      out.push(row([text(m.name), g.variant, `${(100 * g.maxRelativeDegradation).toFixed(1)}% worse`, signedPercent(g.worstRelativeChange), g.nonInferior ? 'yes' : 'not shown']));
    }
  }
  if (report.segments) {
    out.push('', `## Segments by ${text(report.segments.attribute)} (exploratory)`, '', `_${report.segments.caveat}_`);
    for (const s of report.segments.values) {
      out.push('', `### ${text(s.value)} (${s.users.toLocaleString('en-US')} users)`, '', ...metricTable(s.metrics, report.alpha));
    }
  }
  out.push('', '## Success criteria (pre-registered)', '');
  for (const c of report.criteria) out.push(`- ${text(c.description)}`);
  if (!report.criteria.length) out.push('- None written.');
  for (const a of report.registration?.amendments ?? []) {
    out.push(`- **Amended** ${a.fields.join(', ')} on ${new Date(a.atMs).toISOString().slice(0, 10)} by ${text(a.actor)} after ${a.reportViews} report views: ${text(a.reason)}`);
  }
  out.push('', `_Generated ${new Date(report.generatedAtMs).toISOString()}._`, '');
  return out.join('\n');
}
