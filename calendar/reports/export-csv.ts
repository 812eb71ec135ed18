import type { MetricResult, Report } from './types.ts';
import { toCsv } from '../escape.ts';
import { restartsText } from './format.ts';

const header = [
  'segment', 'metric_key', 'metric_name', 'role', 'direction', 'variant', 'is_control', 'users', 'mean',
  'absolute_lift', 'absolute_ci_low', 'absolute_ci_high', 'relative_lift', 'relative_ci_low', 'relative_ci_high',
  'p_value', 'adjusted_p_value', 'chance_to_beat_control', 'significant', 'verdict',
  // On every row, so a filtered sheet still carries the decision, a reviewer's override and the
  // restarts after a stop (empty when none), which invite peeking as the report page says.
  'computed_decision', 'reviewer_decision', 'restarts'
];

function rows(segment: string, metrics: MetricResult[], controlKey: string, decisions: [string, string | null, string | null]): unknown[][] {
  return metrics.flatMap((m) => m.arms.map((arm) => {
    const c = m.comparisons.find((x) => x.variant === arm.variant);
    return [
      segment, m.key, m.name, m.role, m.direction, arm.variant, arm.variant === controlKey, arm.users, arm.mean,
      c?.absolute.estimate, c?.absolute.ciLow, c?.absolute.ciHigh, c?.relative?.estimate, c?.relative?.ciLow, c?.relative?.ciHigh,
      c?.pValue, c?.adjustedPValue, c?.chanceToBeatControl, c?.significant, c?.verdict, ...decisions
    ];
  }));
}

/**
 * The metric table as CSV (one row per metric and variant; segment rows follow with their
 * segment value), CRLF line ends as RFC 4180 asks; text cells that a spreadsheet would run as a
 * formula (segment values come from sdk keys) are written as text (`calendar/escape.ts`).
 * @example reportToCsv(report).split('\r\n')[0] // 'segment,metric_key,...'
 */
export function reportToCsv(report: Report): string {
  const controlKey = report.variants.find((v) => v.isControl)?.key ?? '';
  const decisions: [string, string | null, string | null] = [
    report.decision.outcome, report.recorded?.finalDecision ?? null, report.restarts.length ? restartsText(report.restarts) : null
  ];
  const all = [
    ...rows('(all)', report.metrics, controlKey, decisions),
    ...(report.segments?.values.flatMap((s) => rows(s.value, s.metrics, controlKey, decisions)) ?? [])
  ];
  return toCsv([header, ...all]);
}
