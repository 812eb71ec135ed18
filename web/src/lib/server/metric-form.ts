import { InvalidInputError } from '$calendar/errors.ts';
import type { Metric } from '$calendar/model.ts';
import { defaultDirection } from '$calendar/metrics/definition.ts';

/** The metric form's fields as typed (strings), so a failed save shows exactly what was entered. */
export type MetricFormValues = {
  key: string; name: string; description: string; kind: string; eventName: string; denominatorEventName: string;
  direction: string; windowDays: string; winsorizePercentile: string; baseline: string; baselineSd: string;
  /** Kind-specific (issue 16): ratio 'sum' | 'count'; retention's extra events (comma-separated) and window start; threshold's count. */
  denominatorAggregate: string; extraEventNames: string; windowStartDays: string; minCount: string;
};

/** A field the planner typed that does not parse; `field` is shown next to the input. */
export class MetricFieldError extends InvalidInputError {
  readonly field: keyof MetricFormValues;
  constructor(field: keyof MetricFormValues, message: string) {
    super(message);
    this.field = field;
  }
}

const names: Array<keyof MetricFormValues> = ['key', 'name', 'description', 'kind', 'eventName', 'denominatorEventName', 'direction', 'windowDays', 'winsorizePercentile', 'baseline', 'baselineSd',
  'denominatorAggregate', 'extraEventNames', 'windowStartDays', 'minCount'];

/** The form's values as strings. */
export function readMetricForm(form: FormData): MetricFormValues {
  return Object.fromEntries(names.map((n) => [n, String(form.get(n) ?? '').trim()])) as MetricFormValues;
}

/** A stored metric as the form shows it. */
export function metricFormValues(m: Metric): MetricFormValues {
  const text = (x: number | string | null) => (x === null ? '' : String(x));
  return {
    key: m.key, name: m.name, description: m.description ?? '', kind: m.kind, eventName: m.eventName,
    denominatorEventName: m.denominatorEventName ?? '', direction: m.direction, windowDays: text(m.windowDays),
    winsorizePercentile: text(m.winsorizePercentile), baseline: text(m.baseline), baselineSd: text(m.baselineSd),
    denominatorAggregate: m.denominatorAggregate, extraEventNames: m.extraEventNames.join(', '),
    windowStartDays: text(m.windowStartDays), minCount: text(m.minCount)
  };
}

/** Number rules of the form, each with the sentence shown next to its field. */
const numberRules = {
  windowDays: { ok: (n: number) => Number.isInteger(n) && n >= 1 && n <= 365, message: 'Window must be a whole number of days from 1 to 365, or empty for the whole test' },
  winsorizePercentile: { ok: (n: number) => n > 0.5 && n <= 1, message: 'Winsorize at must be a fraction above 0.5 and at most 1, such as 0.99, or empty' },
  baseline: { ok: (n: number) => Number.isFinite(n), message: 'Baseline must be a number, or empty' },
  baselineSd: { ok: (n: number) => n > 0, message: 'Baseline standard deviation must be a number above 0, or empty' },
  windowStartDays: { ok: (n: number) => Number.isInteger(n) && n >= 0 && n <= 364, message: 'Window start must be a whole number of days from 0 to 364' },
  minCount: { ok: (n: number) => Number.isInteger(n) && n >= 1 && n <= 1000, message: 'At least must be a whole number of events from 1 to 1000' }
} as const;

function numberOf(v: MetricFormValues, field: keyof typeof numberRules): number | null {
  const raw = v[field];
  if (raw === '') return null;
  const n = Number(raw.replace(',', '.'));
  if (!Number.isFinite(n) || !numberRules[field].ok(n)) throw new MetricFieldError(field, numberRules[field].message);
  return n;
}

/**
 * The typed values as the domain's metric fields (without the key); a number that does not parse
 * is a MetricFieldError on its field, never silently left out.
 * @example metricFields(readMetricForm(form)) // { name: 'Activation', kind: 'binomial', windowDays: 7, ... }
 */
export function metricFields(v: MetricFormValues) {
  kindProblems(v);
  const kind = v.kind as Metric['kind'];
  return {
    name: v.name, description: v.description || null, kind, eventName: v.eventName,
    denominatorEventName: v.kind === 'ratio' ? v.denominatorEventName || null : null, direction: (v.direction || defaultDirection(kind)) as Metric['direction'],
    windowDays: numberOf(v, 'windowDays'), winsorizePercentile: numberOf(v, 'winsorizePercentile'),
    baseline: numberOf(v, 'baseline'), baselineSd: numberOf(v, 'baselineSd'),
    // Only the settings the kind reads: the others are left at their defaults (the domain refuses them otherwise).
    denominatorAggregate: (v.kind === 'ratio' && v.denominatorAggregate === 'count' ? 'count' : 'sum') as Metric['denominatorAggregate'],
    extraEventNames: v.kind === 'retention' ? extraEvents(v) : [],
    windowStartDays: v.kind === 'retention' ? numberOf(v, 'windowStartDays') : null,
    minCount: v.kind === 'threshold' ? numberOf(v, 'minCount') : null
  };
}

const extraEvents = (v: MetricFormValues) => v.extraEventNames.split(',').map((e) => e.trim()).filter((e) => e !== '');

/**
 * What each kind needs, as a sentence next to its field (the domain checks the same rules, but
 * words them for the API): a ratio's denominator event, a retention window's end after its start
 * and its extra events, a threshold's count.
 */
function kindProblems(v: MetricFormValues): void {
  const whole = (raw: string) => (/^\d+$/.test(raw) ? Number(raw) : null);
  if (v.kind === 'ratio' && v.denominatorEventName === '') {
    throw new MetricFieldError('denominatorEventName', 'A ratio needs a denominator event, such as purchase for an average order value');
  }
  if (v.kind === 'retention') {
    if (v.windowDays === '') throw new MetricFieldError('windowDays', 'A retention metric needs a window: the last day a return counts, such as 14');
    const extra = extraEvents(v);
    if (extra.length > 20) throw new MetricFieldError('extraEventNames', `At most 20 other events can count as a return; there are ${extra.length}`);
    const long = extra.find((e) => e.length > 100);
    if (long) throw new MetricFieldError('extraEventNames', `Event names are at most 100 characters; “${long.slice(0, 20)}…” is longer`);
    const [start, end] = [whole(v.windowStartDays), whole(v.windowDays)];
    if (start !== null && end !== null && start >= end) {
      throw new MetricFieldError('windowStartDays', `From day must be below the window's last day (${end}): the window is days ${start} to ${end}`);
    }
  }
  if (v.kind === 'threshold' && v.minCount === '') {
    throw new MetricFieldError('minCount', 'A threshold metric needs a number of events, such as 2 for “2 or more purchases”');
  }
}
