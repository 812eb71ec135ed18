import type { ExperimentDetail } from '$calendar/experiments/index.ts';

/** The week editor's fields as the form holds them (percent fields in percent, lists as lines). */
export type EditorValues = {
  name: string; week: number; objective: string; hypothesis: string; description: string;
  channels: string[]; assets: string; primaryMetric: string; secondaryMetrics: string[]; guardrailMetrics: string[];
  durationDays: number; minLiftPercent: string; maxPValue: string; maxDegradationPercent: string; qualitative: string;
  variants: Array<{ key: string; name: string; weight: string }>;
  audience: string; owner: string; lifecycleStage: string; notes: string; baselinePercent: string;
  /** No success criteria on purpose; the report and playbook say so. */
  exploratory: boolean;
  /** Why a started experiment's registered metrics, criteria or MDE change. */
  amendmentReason: string;
};

/** A blank experiment for week `week`. */
export function blankValues(week: number, owner: string | null): EditorValues {
  return {
    name: '', week, objective: '', hypothesis: '', description: '', channels: [], assets: '', primaryMetric: '',
    secondaryMetrics: [], guardrailMetrics: [], durationDays: 14, minLiftPercent: '10', maxPValue: '0.05',
    maxDegradationPercent: '5', qualitative: '',
    variants: [{ key: 'control', name: 'Control', weight: '50' }, { key: 'treatment', name: 'Treatment', weight: '50' }],
    audience: '', owner: owner ?? '', lifecycleStage: '', notes: '', baselinePercent: '', exploratory: false, amendmentReason: ''
  };
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(Number((x * 100).toFixed(4))));

/** The editor's fields for a stored experiment. */
export function valuesOf(e: ExperimentDetail): EditorValues {
  const lift = e.successCriteria.find((c) => c.kind === 'lift' && (c.minRelativeLift ?? 0) > 0);
  const guard = e.successCriteria.find((c) => c.kind === 'guardrail' && c.maxRelativeDegradation !== null);
  const byRole = (role: string) => e.metrics.filter((m) => m.role === role).map((m) => m.key);
  return {
    name: e.name, week: e.week ?? 1, objective: e.objective ?? '', hypothesis: e.hypothesis ?? '', description: e.description ?? '',
    channels: e.channels, assets: e.assets.join('\n'), primaryMetric: byRole('primary')[0] ?? '',
    secondaryMetrics: byRole('secondary'), guardrailMetrics: byRole('guardrail'), durationDays: e.durationDays,
    minLiftPercent: lift ? pct(lift.minRelativeLift) : pct(e.plannedMde), maxPValue: String(lift?.maxPValue ?? 0.05),
    maxDegradationPercent: guard ? pct(guard.maxRelativeDegradation) : '5',
    qualitative: e.successCriteria.filter((c) => c.kind === 'qualitative' || (c.kind === 'lift' && !(c.minRelativeLift! > 0))).map((c) => c.description).join('\n'),
    variants: e.variants.map((v) => ({ key: v.key, name: v.name, weight: pct(v.weight) })),
    audience: e.audience ?? '', owner: e.owner ?? '', lifecycleStage: e.lifecycleStage ?? '', notes: e.notes ?? '',
    baselinePercent: pct(e.baselineRate), exploratory: e.exploratory, amendmentReason: ''
  };
}
