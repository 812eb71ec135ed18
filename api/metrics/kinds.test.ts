// Creating and editing metrics of every kind over HTTP: retention (and churn), threshold, time to
// event, a mean per event; each incomplete or contradictory definition is a 4xx naming its field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.cleanup());

const post = (body: unknown) => t.authed('/api/v1/metrics', { method: 'POST', body });
const patch = (key: string, body: unknown) => t.authed(`/api/v1/metrics/${key}`, { method: 'PATCH', body });

describe('POST /api/v1/metrics: the kinds', () => {
  const good: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['retention on days 7-14 of two events', { kind: 'retention', eventName: 'app_open', extraEventNames: ['purchase'], windowStartDays: 7, windowDays: 14 },
      { kind: 'retention', extraEventNames: ['purchase'], windowStartDays: 7, windowDays: 14, direction: 'increase' }],
    ['churn: retention where lower is better', { kind: 'retention', eventName: 'cancel', windowDays: 30, direction: 'decrease' },
      { kind: 'retention', windowStartDays: null, windowDays: 30, direction: 'decrease' }],
    ['repeat purchase', { kind: 'threshold', eventName: 'purchase', minCount: 2, windowDays: 28 }, { kind: 'threshold', minCount: 2 }],
    ['time to activation, lower is better by default', { kind: 'time_to_event', eventName: 'activation', windowDays: 14 },
      { kind: 'time_to_event', direction: 'decrease', windowDays: 14 }],
    ['average order value', { kind: 'ratio', eventName: 'purchase', denominatorEventName: 'purchase', denominatorAggregate: 'count' },
      { kind: 'ratio', denominatorAggregate: 'count' }],
    ['a plain ratio sums its denominator', { kind: 'ratio', eventName: 'click', denominatorEventName: 'open' }, { denominatorAggregate: 'sum', extraEventNames: [] }]
  ];
  it.each(good)('creates %s', async (_name, body, expected) => {
    const res = await post({ key: 'k', name: 'A metric', ...body });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject(expected);
    const list = (await (await t.authed('/api/v1/metrics')).json()).metrics as Array<Record<string, unknown>>;
    expect(list.find((m) => m.key === 'k')).toMatchObject(expected);
  });

  const bad: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['retention without the end of its window', { kind: 'retention', eventName: 'a', windowStartDays: 7 }, 'windowDays', /needs windowDays/],
    ['retention that starts at its end', { kind: 'retention', eventName: 'a', windowStartDays: 14, windowDays: 14 }, 'windowStartDays', /must be below windowDays \(14\)/],
    ['a threshold without its count', { kind: 'threshold', eventName: 'purchase' }, 'minCount', /needs minCount/],
    ['a threshold of 0 events', { kind: 'threshold', eventName: 'purchase', minCount: 0 }, 'minCount', /Too small/],
    ['a count with a threshold', { kind: 'count', eventName: 'purchase', minCount: 2 }, 'minCount', /for threshold metrics only, not count/],
    ['a binomial with a window start', { kind: 'binomial', eventName: 'a', windowStartDays: 3 }, 'windowStartDays', /for retention metrics only/],
    ['a sum with a count denominator', { kind: 'sum', eventName: 'a', denominatorAggregate: 'count' }, 'denominatorAggregate', /for ratio metrics only/],
    ['an unknown denominator aggregate', { kind: 'ratio', eventName: 'a', denominatorEventName: 'b', denominatorAggregate: 'avg' }, 'denominatorAggregate', /Invalid option/],
    ['an empty extra event name', { kind: 'retention', eventName: 'a', windowDays: 7, extraEventNames: [''] }, 'extraEventNames.0', /Too small/],
    ['an unknown kind', { kind: 'survival', eventName: 'a' }, 'kind', /Invalid option/]
  ];
  it.each(bad)('refuses %s with a 400 naming the field', async (_name, body, path, message) => {
    const res = await post({ key: 'k', name: 'A metric', ...body });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('invalid_request');
    const detail = (error.details as Array<{ path: string; message: string }>).find((d) => d.path === path);
    expect(detail, JSON.stringify(error)).toBeDefined();
    expect(detail!.message).toMatch(message);
  });
});

describe('PATCH /api/v1/metrics/{key}: the kinds', () => {
  it('turns a binomial into a retention metric and back, dropping the settings its kind does not read', async () => {
    expect((await post({ key: 'back', name: 'Came back', kind: 'binomial', eventName: 'app_open' })).status).toBe(201);
    const toRetention = await patch('back', { kind: 'retention', windowStartDays: 7, windowDays: 14, extraEventNames: ['purchase'] });
    expect(toRetention.status).toBe(200);
    expect((await toRetention.json()).metric).toMatchObject({ kind: 'retention', windowStartDays: 7, windowDays: 14, extraEventNames: ['purchase'] });
    const back = await patch('back', { kind: 'binomial' });
    expect((await back.json()).metric).toMatchObject({ kind: 'binomial', windowStartDays: null, extraEventNames: [], windowDays: 14 });
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a threshold without a count', { kind: 'threshold' }, /^a threshold metric needs minCount/],
    ['a retention metric without a window end', { kind: 'retention', windowDays: null }, /^a retention metric needs windowDays/],
    ['a count threshold on a binomial', { minCount: 3 }, /^minCount is for threshold metrics only, not binomial$/]
  ];
  it.each(bad)('refuses %s with a 422 and changes nothing', async (_name, body, message) => {
    expect((await post({ key: 'm', name: 'M', kind: 'binomial', eventName: 'x' })).status).toBe(201);
    const res = await patch('m', body);
    expect(res.status).toBe(422);
    const { error } = await res.json();
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(message);
    const list = (await (await t.authed('/api/v1/metrics')).json()).metrics as Array<Record<string, unknown>>;
    expect(list.find((m) => m.key === 'm')).toMatchObject({ kind: 'binomial', minCount: null });
  });
});
