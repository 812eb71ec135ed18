import { describe, expect, it } from 'vitest';
import { defaultDirection, definitionIssues, withUnusedFieldsCleared } from './definition.ts';
import type { Metric } from '../model.ts';

type Def = Pick<Metric, 'kind' | 'denominatorEventName' | 'denominatorAggregate' | 'extraEventNames' | 'windowStartDays' | 'minCount' | 'windowDays'>;
const base: Def = { kind: 'binomial', denominatorEventName: null, denominatorAggregate: 'sum', extraEventNames: [], windowStartDays: null, minCount: null, windowDays: null };
const all = (d: Partial<Def>) => new Set(Object.keys(d));

const cases: Array<[string, Partial<Def>, Array<{ path: string; message: RegExp }>]> = [
  ['a binomial', { kind: 'binomial' }, []],
  ['a ratio without a denominator', { kind: 'ratio' }, [{ path: 'denominatorEventName', message: /^a ratio metric needs denominatorEventName$/ }]],
  ['a mean per event', { kind: 'ratio', denominatorEventName: 'purchase', denominatorAggregate: 'count' }, []],
  ['retention days 7-14 on two events', { kind: 'retention', windowStartDays: 7, windowDays: 14, extraEventNames: ['purchase'] }, []],
  ['retention without an end', { kind: 'retention', windowStartDays: 7 }, [{ path: 'windowDays', message: /needs windowDays/ }]],
  ['retention starting at its end', { kind: 'retention', windowStartDays: 14, windowDays: 14 }, [{ path: 'windowStartDays', message: /must be below windowDays \(14\)/ }]],
  ['retention from day 0', { kind: 'retention', windowDays: 30 }, []],
  ['a threshold without a count', { kind: 'threshold' }, [{ path: 'minCount', message: /needs minCount/ }]],
  ['repeat purchase', { kind: 'threshold', minCount: 2, windowDays: 28 }, []],
  ['time to event with the experiment as window', { kind: 'time_to_event' }, []],
  ['a count with a minimum count', { kind: 'count', minCount: 2 }, [{ path: 'minCount', message: /^minCount is for threshold metrics only, not count$/ }]],
  ['a binomial with extra events', { kind: 'binomial', extraEventNames: ['x'] }, [{ path: 'extraEventNames', message: /for retention metrics only/ }]],
  ['a sum with a count denominator', { kind: 'sum', denominatorAggregate: 'count' }, [{ path: 'denominatorAggregate', message: /for ratio metrics only/ }]],
  ['a threshold with a window start', { kind: 'threshold', minCount: 2, windowStartDays: 3 }, [{ path: 'windowStartDays', message: /for retention metrics only/ }]],
  ['unset fields of another kind are fine', { kind: 'count', minCount: null, extraEventNames: [], denominatorAggregate: 'sum' }, []]
];

describe('definitionIssues', () => {
  it.each(cases)('%s', (_name, given, expected) => {
    const issues = definitionIssues({ ...base, ...given }, all(given));
    expect(issues.map((i) => i.path)).toEqual(expected.map((e) => e.path));
    issues.forEach((issue, i) => expect(issue.message).toMatch(expected[i]!.message));
  });

  it('only complains about fields the caller sent (a stored field of the old kind is cleared, not refused)', () => {
    expect(definitionIssues({ ...base, kind: 'count', minCount: 2 }, new Set(['kind']))).toEqual([]);
  });
});

describe('withUnusedFieldsCleared', () => {
  const cleared: Array<[string, Partial<Def>, Partial<Def>]> = [
    ['threshold to count drops minCount', { kind: 'count', minCount: 2 }, { minCount: null }],
    ['ratio to sum drops the denominator', { kind: 'sum', denominatorEventName: 'x', denominatorAggregate: 'count' }, { denominatorEventName: null, denominatorAggregate: 'sum' }],
    ['retention to binomial drops the window start and extra events', { kind: 'binomial', windowStartDays: 7, extraEventNames: ['a'], windowDays: 14 }, { windowStartDays: null, extraEventNames: [], windowDays: 14 }],
    ['retention keeps its own', { kind: 'retention', windowStartDays: 7, extraEventNames: ['a'], windowDays: 14 }, { windowStartDays: 7, extraEventNames: ['a'], windowDays: 14 }]
  ];
  it.each(cleared)('%s', (_name, given, expected) => {
    expect(withUnusedFieldsCleared({ ...base, ...given })).toMatchObject(expected);
  });
});

describe('defaultDirection', () => {
  it.each([['time_to_event', 'decrease'], ['retention', 'increase'], ['binomial', 'increase'], ['ratio', 'increase']] as const)('%s: %s', (kind, direction) => {
    expect(defaultDirection(kind)).toBe(direction);
  });
});
