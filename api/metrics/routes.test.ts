import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import { metricEditRoutes } from './index.ts';
import { onError, onNotFound } from '../errors.ts';
import { OpenAPIHono } from '@hono/zod-openapi';

// Mounted on its own so the test does not depend on how app.ts registers it.
let t: TestApp;
let app: OpenAPIHono;
beforeEach(async () => {
  t = await createTestApp();
  app = new OpenAPIHono();
  app.route('/api/v1', metricEditRoutes(t.deps));
  app.onError(onError);
  app.notFound(onNotFound);
});
afterEach(() => t.cleanup());

const patch = (key: string, body: unknown) => app.request(`/api/v1/metrics/${key}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('PATCH /api/v1/metrics/{key}', () => {
  it('changes the definition and audits before and after', async () => {
    const res = await patch('revenue', { winsorizePercentile: 0.995, windowDays: 7 });
    expect(res.status).toBe(200);
    expect(await t.data.metrics.byKey('revenue')).toMatchObject({ winsorizePercentile: 0.995, windowDays: 7 });
    const [audit] = await t.rows.audit({ action: 'metric.update' });
    expect(audit?.details).toMatchObject({ changed: { winsorizePercentile: { from: 0.99, to: 0.995 } } });
  });

  const bad: Array<[string, string, unknown, number, string, RegExp]> = [
    ['an empty body', 'revenue', {}, 400, 'invalid_request', /send at least one field to change/],
    ['an unknown field', 'revenue', { colour: 'red' }, 400, 'invalid_request', /Unrecognized key: "colour"/],
    ['a percentile out of range', 'revenue', { winsorizePercentile: 2 }, 400, 'invalid_request', /winsorizePercentile: Too big/],
    ['a ratio without a denominator', 'revenue', { kind: 'ratio' }, 422, 'invalid_input', /^a ratio metric needs denominatorEventName$/],
    ['an unknown metric', 'nope', { name: 'x' }, 404, 'not_found', /^metric 'nope' was not found$/]
  ];
  it.each(bad)('rejects %s', async (_name, key, body, status, code, message) => {
    const res = await patch(key, body);
    expect(res.status).toBe(status);
    const { error } = await res.json();
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});
