import { describe, expect, it } from 'vitest';
import type { TargetingCondition } from '../../calendar/model.ts';
import { conditionHolds } from './targeting.ts';
import type { Attributes } from './targeting.ts';

describe('conditionHolds', () => {
  it.each<[string, TargetingCondition, Attributes, boolean]>([
    ['eq string', { attribute: 'country', operator: 'eq', value: 'TR' }, { country: 'TR' }, true],
    ['eq is case-sensitive', { attribute: 'country', operator: 'eq', value: 'TR' }, { country: 'tr' }, false],
    ['eq number vs numeric string', { attribute: 'plan', operator: 'eq', value: 2 }, { plan: '2' }, true],
    ['eq boolean', { attribute: 'pro', operator: 'eq', value: true }, { pro: true }, true],
    ['in list', { attribute: 'segment', operator: 'in', value: ['new', 'returning'] }, { segment: 'returning' }, true],
    ['in list miss', { attribute: 'segment', operator: 'in', value: ['new', 'returning'] }, { segment: 'churned' }, false],
    ['in with array attribute', { attribute: 'tags', operator: 'in', value: ['vip'] }, { tags: ['a', 'vip'] }, true],
    ['nin', { attribute: 'segment', operator: 'nin', value: ['churned'] }, { segment: 'new' }, true],
    ['nin hit', { attribute: 'segment', operator: 'nin', value: ['churned'] }, { segment: 'churned' }, false],
    ['neq', { attribute: 'country', operator: 'neq', value: 'TR' }, { country: 'DE' }, true],
    ['missing attribute fails eq', { attribute: 'country', operator: 'eq', value: 'TR' }, {}, false],
    ['missing attribute passes neq', { attribute: 'country', operator: 'neq', value: 'TR' }, {}, true],
    ['missing attribute passes nin', { attribute: 'country', operator: 'nin', value: ['TR'] }, {}, true],
    ['null attribute fails in', { attribute: 'country', operator: 'in', value: ['TR'] }, { country: null }, false],
    ['gt', { attribute: 'age', operator: 'gt', value: 18 }, { age: 19 }, true],
    ['gt equal', { attribute: 'age', operator: 'gt', value: 18 }, { age: 18 }, false],
    ['gte equal', { attribute: 'age', operator: 'gte', value: 18 }, { age: 18 }, true],
    ['lt numeric string', { attribute: 'age', operator: 'lt', value: 18 }, { age: '17' }, true],
    ['lte', { attribute: 'age', operator: 'lte', value: 18 }, { age: 19 }, false],
    ['numeric op on text fails', { attribute: 'age', operator: 'gt', value: 18 }, { age: 'old' }, false],
    // Text is not a number, not 0: `null > -1` would hold.
    ['numeric op on text fails below zero too', { attribute: 'age', operator: 'gt', value: -1 }, { age: 'old' }, false],
    ['numeric op against a text value fails', { attribute: 'age', operator: 'gt', value: 'old' }, { age: 5 }, false],
    // A missing attribute is never compared as the text "undefined".
    ['missing attribute fails eq "undefined"', { attribute: 'plan', operator: 'eq', value: 'undefined' }, {}, false],
    ['missing attribute passes neq "undefined"', { attribute: 'plan', operator: 'neq', value: 'undefined' }, {}, true],
    ['missing attribute fails in ["undefined"]', { attribute: 'plan', operator: 'in', value: ['undefined'] }, {}, false]
  ])('%s', (_name, condition, attributes, expected) => {
    expect(conditionHolds(condition, attributes)).toBe(expected);
  });
});
