/**
 * What makes a metric definition whole, per kind, shared by creating and editing a metric:
 * the fields each kind needs (a ratio's denominator, a retention window's end, a threshold's
 * count) and the fields that only one kind reads, refused on the others so that a definition
 * never carries a setting the report silently ignores.
 */
import { z } from 'zod';
import { denominatorAggregates, type Metric, type MetricDirection, type MetricKind } from '../model.ts';

const eventName = z.string().min(1).max(100);

/** The kind-specific fields, as the API takes them. */
export const kindFields = {
  denominatorAggregate: z.enum(denominatorAggregates)
    .describe("ratio: 'sum' adds the denominator event's values (an event without one counts 1); 'count' counts the events, for a mean per event (order value = Σ purchase value / number of purchases)"),
  extraEventNames: z.array(eventName).max(20).describe('retention: further events that count as a return, besides eventName'),
  windowStartDays: z.number().int().min(0).max(364).describe('retention: the window starts this many days after first exposure (7 for days 7-14); windowDays is its end'),
  minCount: z.number().int().min(1).max(1000).describe('threshold: the user counts once they fired eventName at least this many times in the window (2 for repeat purchase)')
};

/** The kinds that read each kind-specific field. */
const fieldKinds: Record<string, readonly MetricKind[]> = {
  denominatorEventName: ['ratio'], denominatorAggregate: ['ratio'],
  extraEventNames: ['retention'], windowStartDays: ['retention'], minCount: ['threshold']
};

/** A field's value when unset (what a kind that does not read it stores). */
const unset: Record<string, unknown> = {
  denominatorEventName: null, denominatorAggregate: 'sum', extraEventNames: [], windowStartDays: null, minCount: null
};

type Definition = Pick<Metric, 'kind' | 'denominatorEventName' | 'denominatorAggregate' | 'extraEventNames' | 'windowStartDays' | 'minCount' | 'windowDays'>;
export type DefinitionIssue = { path: string; message: string };

const isUnset = (field: string, value: unknown) =>
  value === undefined || value === null || JSON.stringify(value) === JSON.stringify(unset[field]);

/**
 * The problems of a whole definition: fields its kind needs, and fields in `given` (those the
 * caller sent) that its kind does not read. Empty when the definition is whole.
 * @example definitionIssues({ kind: 'threshold', minCount: null, ... }, new Set(['kind']))
 * // [{ path: 'minCount', message: 'a threshold metric needs minCount, e.g. 2 for "2 or more purchases"' }]
 */
export function definitionIssues(m: Definition, given: ReadonlySet<string>): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  if (m.kind === 'ratio' && !m.denominatorEventName) issues.push({ path: 'denominatorEventName', message: 'a ratio metric needs denominatorEventName' });
  if (m.kind === 'retention') {
    if (m.windowDays === null) issues.push({ path: 'windowDays', message: 'a retention metric needs windowDays, the end of its window (14 for days 7-14)' });
    else if ((m.windowStartDays ?? 0) >= m.windowDays) {
      issues.push({ path: 'windowStartDays', message: `windowStartDays must be below windowDays (${m.windowDays}): the window is days windowStartDays to windowDays` });
    }
  }
  if (m.kind === 'threshold' && m.minCount === null) issues.push({ path: 'minCount', message: 'a threshold metric needs minCount, e.g. 2 for "2 or more purchases"' });
  for (const [field, kinds] of Object.entries(fieldKinds)) {
    if (!given.has(field) || kinds.includes(m.kind) || isUnset(field, m[field as keyof Definition])) continue;
    issues.push({ path: field, message: `${field} is for ${kinds.join(' and ')} metrics only, not ${m.kind}` });
  }
  return issues;
}

/**
 * The definition with the fields its kind does not read reset (after a change of kind, the
 * old kind's settings are dropped rather than kept unread).
 * @example withUnusedFieldsCleared({ kind: 'binomial', minCount: 2, ... }).minCount // null
 */
export function withUnusedFieldsCleared<T extends Definition>(m: T): T {
  const out = { ...m };
  for (const [field, kinds] of Object.entries(fieldKinds)) {
    if (!kinds.includes(m.kind)) (out as Record<string, unknown>)[field] = unset[field];
  }
  return out;
}

/**
 * The direction a new metric gets when none is given: lower is better for a time to an event,
 * higher for the rest (churn is a retention metric created with direction 'decrease').
 * @example defaultDirection('time_to_event') // 'decrease'
 */
export function defaultDirection(kind: MetricKind): MetricDirection {
  return kind === 'time_to_event' ? 'decrease' : 'increase';
}
