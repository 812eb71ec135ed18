import { describe, expect, it } from 'vitest';
import { evalCondition } from '@growthbook/growthbook';
import type { TargetingCondition } from '../../calendar/model.ts';
import { conditionHolds, targetingHolds, type Attributes } from '../assign/targeting.ts';
import { equalByText, targetingCondition, toGrowthBookCondition } from './conditions.ts';

describe('equalByText', () => {
  it.each([
    ['TR', ['TR']], [42, [42, '42']], ['42', ['42', 42]], ['4.50', ['4.50']], [true, [true, 'true']], ['false', ['false', false]], ['', ['']]
  ] as const)('%j -> %j', (wanted, values) => expect(equalByText(wanted)).toEqual(values));
});

// Our targeting and the real SDK's evaluation of the translated condition, on values of every kind.
const values: Array<Attributes[string]> = [
  undefined, null, 'TR', 'tr', '', ' ', '42', ' 42 ', '42.0', '0x10', '1e2', 'abc', 'true', 'false', 42, 0, -3.5, 100, 16,
  true, false, ['TR', 'US'], ['42'], [42], [], [5]
];
const conditions: TargetingCondition[] = [
  { attribute: 'a', operator: 'eq', value: 'TR' }, { attribute: 'a', operator: 'eq', value: 42 },
  { attribute: 'a', operator: 'eq', value: '42' }, { attribute: 'a', operator: 'eq', value: true },
  { attribute: 'a', operator: 'in', value: ['TR', 'US', 100] }, { attribute: 'a', operator: 'neq', value: 'TR' },
  { attribute: 'a', operator: 'nin', value: ['42', false] }, { attribute: 'a', operator: 'gt', value: 10 },
  { attribute: 'a', operator: 'gte', value: '42' }, { attribute: 'a', operator: 'lt', value: 0 },
  { attribute: 'a', operator: 'lte', value: 16 }, { attribute: 'a', operator: 'gt', value: 'abc' }
];

describe('toGrowthBookCondition: the SDK decides as our targeting does', () => {
  it.each(conditions)('%j', (condition) => {
    const gb = toGrowthBookCondition(condition);
    for (const value of values) {
      const attributes = value === undefined ? {} : { a: value };
      expect([value, evalCondition(attributes, gb as never)]).toEqual([value, conditionHolds(condition, attributes)]);
    }
  });

  it('joins several conditions, on one attribute too, with $and', () => {
    const both: TargetingCondition[] = [{ attribute: 'a', operator: 'gte', value: 10 }, { attribute: 'a', operator: 'lt', value: 50 }];
    expect(targetingCondition([])).toBeUndefined();
    for (const value of values) {
      const attributes = value === undefined ? {} : { a: value };
      expect([value, evalCondition(attributes, targetingCondition(both) as never)]).toEqual([value, targetingHolds(both, attributes)]);
    }
  });
});
