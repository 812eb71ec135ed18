import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.cleanup());
const post = (path: string, body?: unknown) => t.authed(path, { method: 'POST', body });
/** The two-variant draft 'plain' (no weights, no control marked), as the first test creates it. */
async function createPlain() {
  const res = await post('/api/v1/experiments', { key: 'plain', name: 'Plain', variants: [{ key: 'a' }, { key: 'b' }] });
  expect(res.status).toBe(201);
  return res.json();
}

describe('POST /api/v1/experiments', () => {
  it('creates a draft with normalised weights, the marked control, metrics by role and criteria', async () => {
    const res = await post('/api/v1/experiments', {
      key: 'checkout-cta', name: 'Checkout CTA colour', coverage: 0.8, seed: 'cta-seed',
      variants: [{ key: 'green', weight: 3 }, { key: 'blue', weight: 1, control: true }],
      targeting: [{ attribute: 'country', operator: 'in', value: ['TR', 'DE'] }],
      forcedVariants: { 'qa-1': 'green' },
      metrics: { primary: ['activation'] },
      successCriteria: [{ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.1, maxPValue: 0.05, description: 'activation +10%' }]
    });
    expect(res.status).toBe(201);
    const e = await res.json();
    expect(e).toMatchObject({ key: 'checkout-cta', status: 'draft', coverage: 0.8, seed: 'cta-seed' });
    expect(e.variants.map((v: { key: string; weight: number; isControl: boolean }) => [v.key, v.weight, v.isControl]))
      .toEqual([['green', 0.75, false], ['blue', 0.25, true]]);
    expect(e.metrics).toEqual([expect.objectContaining({ key: 'activation', role: 'primary' })]);
    expect(e.successCriteria).toHaveLength(1);
  });

  it('makes the first variant the control when none is marked', async () => {
    const e = await createPlain();
    expect(e.variants.map((v: { isControl: boolean; weight: number }) => [v.isControl, v.weight])).toEqual([[true, 0.5], [false, 0.5]]);
  });

  it('rejects a taken key', async () => {
    await createPlain();
    const res = await post('/api/v1/experiments', { key: 'plain', name: 'x', variants: [{ key: 'a' }, { key: 'b' }] });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('conflict');
  });

  it.each([
    ['one variant', { key: 'one', name: 'x', variants: [{ key: 'a' }] }, 400, 'invalid_request'],
    ['duplicate variant keys', { key: 'dup', name: 'x', variants: [{ key: 'a' }, { key: 'a' }] }, 400, 'invalid_request'],
    ['two controls', { key: 'c2', name: 'x', variants: [{ key: 'a', control: true }, { key: 'b', control: true }] }, 400, 'invalid_request'],
    ['negative weight', { key: 'neg', name: 'x', variants: [{ key: 'a', weight: -1 }, { key: 'b' }] }, 400, 'invalid_request'],
    ['coverage above 1', { key: 'cov', name: 'x', coverage: 1.5, variants: [{ key: 'a' }, { key: 'b' }] }, 400, 'invalid_request'],
    ['an unknown metric', { key: 'm', name: 'x', variants: [{ key: 'a' }, { key: 'b' }], metrics: { primary: ['nope'] } }, 422, 'invalid_input'],
    ['forced to an unknown variant', { key: 'f', name: 'x', variants: [{ key: 'a' }, { key: 'b' }], forcedVariants: { u: 'zz' } }, 422, 'invalid_input'],
    ['numeric operator with text', { key: 't', name: 'x', variants: [{ key: 'a' }, { key: 'b' }], targeting: [{ attribute: 'age', operator: 'gt', value: 'old' }] }, 400, 'invalid_request'],
    ['an unknown field', { key: 'u', name: 'x', variants: [{ key: 'a' }, { key: 'b' }], colour: 'red' }, 400, 'invalid_request'],
    ['a bad key', { key: '-bad', name: 'x', variants: [{ key: 'a' }, { key: 'b' }] }, 400, 'invalid_request']
  ])('rejects %s', async (_name, body, status, code) => {
    const res = await post('/api/v1/experiments', body);
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });
});

describe('start, edit while running, stop', () => {
  it('starts, refuses a weight change without confirm, logs the confirmed change, stops', async () => {
    expect((await post('/api/v1/experiments', { key: 'plain', name: 'Plain', variants: [{ key: 'a' }, { key: 'b' }], exploratory: true })).status).toBe(201);
    const started = await post('/api/v1/experiments/plain/start');
    expect(started.status).toBe(200);
    expect((await started.json()).status).toBe('running');

    const patch = { variants: [{ key: 'a', weight: 1 }, { key: 'b', weight: 4 }] };
    const refused = await t.authed('/api/v1/experiments/plain', { method: 'PATCH', body: patch });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toMatch(/confirm/);

    const confirmed = await t.authed('/api/v1/experiments/plain', { method: 'PATCH', body: { ...patch, confirm: true } });
    expect(confirmed.status).toBe(200);
    expect((await confirmed.json()).variants.map((v: { weight: number }) => v.weight)).toEqual([0.2, 0.8]);
    const audit = await t.rows.audit({ entityId: 'plain' });
    expect(audit.map((a) => a.action)).toEqual(['experiment.create', 'experiment.start', 'experiment.update']);
    expect(audit[2]!.details).toMatchObject({ confirmed: true, variantsBefore: [{ key: 'a', weight: 0.5 }, { key: 'b', weight: 0.5 }] });

    const renamed = await t.authed('/api/v1/experiments/plain', { method: 'PATCH', body: { name: 'Renamed' } });
    expect(renamed.status).toBe(200);

    expect((await post('/api/v1/experiments/plain/stop')).status).toBe(200);
    const again = await post('/api/v1/experiments/plain/stop');
    expect(again.status).toBe(409);
  });

  it.each([
    ['/api/v1/experiments/nope/start', 404], ['/api/v1/experiments/nope/stop', 404]
  ])('%s -> %i', async (path, status) => {
    expect((await post(path)).status).toBe(status);
  });

  it('refuses to start a second experiment on an overlapping slice of a layer', async () => {
    const mk = (key: string, layerRange: [number, number]) => post('/api/v1/experiments',
      { key, name: key, layer: 'email', layerRange, variants: [{ key: 'a' }, { key: 'b' }], exploratory: true });
    expect((await mk('email-1', [0, 0.6])).status).toBe(201);
    expect((await mk('email-2', [0.5, 1])).status).toBe(201);
    expect((await mk('email-3', [0.6, 1])).status).toBe(201);
    expect((await post('/api/v1/experiments/email-1/start')).status).toBe(200);
    const clash = await post('/api/v1/experiments/email-2/start');
    expect(clash.status).toBe(409);
    expect((await clash.json()).error.message).toMatch(/overlaps running experiment 'email-1'/);
    expect((await post('/api/v1/experiments/email-3/start')).status).toBe(200);
    const layers = await (await t.authed('/api/v1/layers')).json();
    expect(layers.layers[0]).toMatchObject({ key: 'email' });
    expect(layers.layers[0].experiments).toHaveLength(3);
  });
});

describe('metrics and layers', () => {
  it('creates and lists a metric', async () => {
    const res = await post('/api/v1/metrics', { key: 'order-value', name: 'Order value', kind: 'sum', eventName: 'purchase', winsorizePercentile: 0.99 });
    expect(res.status).toBe(201);
    const list = await (await t.authed('/api/v1/metrics')).json();
    expect(list.metrics.map((m: { key: string }) => m.key)).toContain('order-value');
    expect((await post('/api/v1/metrics', { key: 'order-value', name: 'x', kind: 'sum', eventName: 'p' })).status).toBe(409);
    expect((await post('/api/v1/metrics', { key: 'r2', name: 'x', kind: 'ratio', eventName: 'p' })).status).toBe(400);
  });

  it('creates a layer and refuses a duplicate', async () => {
    expect((await post('/api/v1/layers', { key: 'push', name: 'Push notifications' })).status).toBe(201);
    expect((await post('/api/v1/layers', { key: 'push', name: 'again' })).status).toBe(409);
  });
});
