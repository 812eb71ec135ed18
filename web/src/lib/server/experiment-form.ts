import type { PlannedExperimentInput } from '$calendar/planning/index.ts';
import { InvalidInputError } from '$calendar/errors.ts';
import type { EditorValues } from '$lib/components/plan/editor-values.ts';

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
const num = (s: string) => (s.trim() === '' ? undefined : Number(s.replace(',', '.')));

/**
 * A form field that does not parse or is out of range. A DomainError, so the form actions answer
 * 400 with `message` and the typed values; `field` names the editor field it is about.
 */
export class FormFieldError extends InvalidInputError {
  readonly field: keyof EditorValues;
  constructor(field: keyof EditorValues, message: string) {
    super(message);
    this.field = field;
  }
}

/** `v[field]` as a number: undefined when empty, else a number that `ok` accepts, else a FormFieldError. */
function numberField(v: EditorValues, field: 'minLiftPercent' | 'maxPValue' | 'maxDegradationPercent' | 'baselinePercent',
  ok: (n: number) => boolean, message: string): number | undefined {
  const n = num(v[field]);
  if (n !== undefined && !(Number.isFinite(n) && ok(n))) throw new FormFieldError(field, message);
  return n;
}

/** The posted editor form as editor values (to re-show after an error). */
export function readEditorForm(form: FormData): EditorValues {
  const keys = form.getAll('variantKey').map(String);
  const names = form.getAll('variantName').map(String);
  const weights = form.getAll('variantWeight').map(String);
  return {
    name: text(form, 'name'), week: Number(text(form, 'week')), objective: text(form, 'objective'),
    hypothesis: text(form, 'hypothesis'), description: text(form, 'description'),
    channels: form.getAll('channels').map(String), assets: text(form, 'assets'), primaryMetric: text(form, 'primaryMetric'),
    secondaryMetrics: form.getAll('secondaryMetrics').map(String), guardrailMetrics: form.getAll('guardrailMetrics').map(String),
    durationDays: Number(text(form, 'durationDays')), minLiftPercent: text(form, 'minLiftPercent'), maxPValue: text(form, 'maxPValue'),
    maxDegradationPercent: text(form, 'maxDegradationPercent'), qualitative: text(form, 'qualitative'),
    variants: keys.map((key, i) => ({ key: key.trim(), name: (names[i] ?? '').trim(), weight: (weights[i] ?? '').trim() })).filter((v) => v.key || v.name),
    audience: text(form, 'audience'), owner: text(form, 'owner'), lifecycleStage: text(form, 'lifecycleStage'),
    notes: text(form, 'notes'), baselinePercent: text(form, 'baselinePercent'),
    exploratory: form.get('exploratory') === 'on', amendmentReason: text(form, 'amendmentReason')
  };
}

/**
 * Editor values as the domain's input; the domain validates it (and says what is wrong). A criterion
 * or baseline field that does not parse is a FormFieldError, never a silently dropped criterion.
 */
export function toPlannedInput(v: EditorValues): PlannedExperimentInput {
  const minLift = numberField(v, 'minLiftPercent', (n) => n >= 0 && n <= 1000, 'Minimum lift must be a number between 0 and 1000%');
  const maxPValue = numberField(v, 'maxPValue', (n) => n > 0 && n < 1, 'Maximum p-value must be a number between 0 and 1, such as 0.05');
  const maxDegradation = numberField(v, 'maxDegradationPercent', (n) => n >= 0 && n <= 100, 'Maximum degradation must be a number between 0 and 100%');
  const baseline = numberField(v, 'baselinePercent', (n) => n > 0 && n < 100, 'Baseline rate must be a number above 0% and below 100%');
  const criteria: NonNullable<PlannedExperimentInput['successCriteria']> = [];
  if (v.primaryMetric && minLift !== undefined && minLift > 0) {
    criteria.push({ kind: 'lift', metricKey: v.primaryMetric, minRelativeLift: minLift / 100, maxPValue: maxPValue ?? 0.05 });
  }
  if (maxDegradation !== undefined) {
    for (const key of v.guardrailMetrics) criteria.push({ kind: 'guardrail', metricKey: key, maxRelativeDegradation: maxDegradation / 100 });
  }
  for (const line of lines(v.qualitative)) criteria.push({ kind: 'qualitative', description: line });
  return {
    name: v.name, week: v.week, objective: v.objective, hypothesis: v.hypothesis, description: v.description,
    channels: v.channels as PlannedExperimentInput['channels'], assets: lines(v.assets),
    primaryMetric: v.primaryMetric || null, secondaryMetrics: v.secondaryMetrics.filter((k) => k !== v.primaryMetric),
    guardrailMetrics: v.guardrailMetrics.filter((k) => k !== v.primaryMetric), durationDays: v.durationDays,
    successCriteria: criteria,
    variants: v.variants.map((x) => ({ key: x.key, name: x.name || x.key, weight: num(x.weight) ?? Number.NaN })),
    audience: v.audience, owner: v.owner, lifecycleStage: v.lifecycleStage, notes: v.notes,
    baselineRate: baseline === undefined ? null : baseline / 100,
    plannedMde: minLift !== undefined && minLift > 0 ? minLift / 100 : null,
    exploratory: v.exploratory, amendmentReason: v.amendmentReason || null
  };
}
