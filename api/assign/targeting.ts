import type { TargetingCondition } from '../../calendar/model.ts';

export type AttributeValue = string | number | boolean | null | Array<string | number | boolean>;
export type Attributes = Record<string, AttributeValue | undefined>;

type Scalar = string | number | boolean;

// Strings and numbers compare by text ("42" equals 42), so query-string attributes work.
const same = (a: Scalar, b: Scalar) => a === b || String(a) === String(b);

function matchesAny(actual: AttributeValue, wanted: Scalar[]): boolean {
  if (actual === null) return false;
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((a) => wanted.some((w) => same(a, w)));
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/**
 * One condition against the request's attributes. A missing attribute fails every
 * operator except `neq` and `nin` (it is not equal to anything); numeric operators need
 * numbers on both sides; an array attribute matches `eq`/`in` when any element matches.
 * @example conditionHolds({ attribute: 'country', operator: 'eq', value: 'TR' }, { country: 'TR' }) // true
 */
export function conditionHolds(condition: TargetingCondition, attributes: Attributes): boolean {
  const actual = attributes[condition.attribute];
  const wanted = Array.isArray(condition.value) ? condition.value : [condition.value];
  if (actual === undefined || actual === null) return condition.operator === 'neq' || condition.operator === 'nin';
  switch (condition.operator) {
    case 'eq': case 'in': return matchesAny(actual, wanted);
    case 'neq': case 'nin': return !matchesAny(actual, wanted);
    default: {
      const a = asNumber(actual);
      const b = asNumber(condition.value);
      if (a === null || b === null) return false;
      if (condition.operator === 'gt') return a > b;
      if (condition.operator === 'gte') return a >= b;
      if (condition.operator === 'lt') return a < b;
      return a <= b;
    }
  }
}

/** All conditions hold (an empty list always holds). */
export function targetingHolds(conditions: readonly TargetingCondition[], attributes: Attributes): boolean {
  for (const c of conditions) if (!conditionHolds(c, attributes)) return false;
  return true;
}
