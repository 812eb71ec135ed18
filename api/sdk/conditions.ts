import type { TargetingCondition } from '../../calendar/model.ts';

/** A GrowthBook targeting condition (MongoDB-like, `packages/sdk-js/src/mongrule.ts`). */
export type GrowthBookCondition = Record<string, unknown>;

type Scalar = string | number | boolean;

/**
 * Every value a GrowthBook `$in` must list so that it matches what our targeting calls equal:
 * we compare by text ("42" equals 42, "true" equals true), GrowthBook by `===`.
 * @example equalByText('42') // ['42', 42]
 */
export function equalByText(wanted: Scalar): Scalar[] {
  const text = String(wanted);
  const values = new Set<Scalar>([wanted, text]);
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n) && String(n) === text) values.add(n);
  if (text === 'true' || text === 'false') values.add(text === 'true');
  return [...values];
}

/** Text our targeting reads as a number (`asNumber` in api/assign/targeting.ts): what `Number()` reads, finite, not blank. */
const numericText = String.raw`^\s*(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+)\s*$`;

const comparison = { gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte' } as const;

/** Matches nobody: no value is in an empty list. */
const never = (attribute: string): GrowthBookCondition => ({ [attribute]: { $in: [] } });

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/**
 * One of our conditions as a GrowthBook condition that holds for exactly the same attributes
 * (`conditionHolds` in api/assign/targeting.ts): `eq`/`in` as `$in` over the text-equal values
 * (an array attribute matches when any element does), `neq`/`nin` as `$nin` (a missing
 * attribute passes), numeric comparisons only for numbers and numeric text.
 * @example toGrowthBookCondition({ attribute: 'country', operator: 'eq', value: 'TR' }) // { country: { $in: ['TR'] } }
 */
export function toGrowthBookCondition(condition: TargetingCondition): GrowthBookCondition {
  const { attribute, operator, value } = condition;
  const wanted = (Array.isArray(value) ? value : [value]).flatMap(equalByText);
  switch (operator) {
    case 'eq': case 'in': return { [attribute]: { $in: wanted } };
    case 'neq': case 'nin': return { [attribute]: { $nin: wanted } };
    default: {
      const bound = asNumber(value);
      if (bound === null) return never(attribute);
      const op = comparison[operator];
      // JavaScript compares numeric text with a number as numbers ("42" > 10), as the SDK does.
      return { $or: [{ [attribute]: { $type: 'number', [op]: bound } }, { [attribute]: { $type: 'string', $regex: numericText, [op]: bound } }] };
    }
  }
}

/**
 * All conditions (an empty list: no condition, everyone). Several are joined with `$and`, so
 * two conditions on one attribute keep both.
 * @example targetingCondition([]) // undefined
 */
export function targetingCondition(conditions: readonly TargetingCondition[]): GrowthBookCondition | undefined {
  if (conditions.length === 0) return undefined;
  if (conditions.length === 1) return toGrowthBookCondition(conditions[0]!);
  return { $and: conditions.map(toGrowthBookCondition) };
}
