import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../tests/helpers/test-app.ts';

const t = await createTestApp();
afterAll(() => t.cleanup());

describe('GET /api/v1/health', () => {
  it('reports ok with the database', async () => {
    const res = await t.app.request('/api/v1/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', database: { ok: true } });
    expect(body.database.migrations).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /api/v1/experiments', () => {
  it('lists the 12 seeded weeks in order', async () => {
    const res = await t.authed('/api/v1/experiments');
    expect(res.status).toBe(200);
    const { experiments } = await res.json();
    expect(experiments).toHaveLength(12);
    expect(experiments[0]).toMatchObject({ key: 'w01-onboarding-ebook-reminder', week: 1, endDate: '2026-12-13' });
  });

  it('filters by status and plan', async () => {
    const running = await (await t.authed('/api/v1/experiments?status=running')).json();
    expect(running.experiments).toEqual([]);
    const byPlan = await (await t.authed('/api/v1/experiments?planId=1')).json();
    expect(byPlan.experiments).toHaveLength(12);
  });

  it.each([
    ['/api/v1/experiments?status=bogus', 400, 'invalid_request'],
    ['/api/v1/experiments?planId=-3', 400, 'invalid_request'],
    ['/api/v1/experiments?planId=abc', 400, 'invalid_request']
  ])('rejects %s with %i', async (path, status, code) => {
    const res = await t.authed(path);
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });
});

describe('GET /api/v1/experiments/{key}', () => {
  it('returns every field of the week-1 experiment', async () => {
    const res = await t.authed('/api/v1/experiments/w01-onboarding-ebook-reminder');
    expect(res.status).toBe(200);
    const e = await res.json();
    expect(e).toMatchObject({
      name: 'Onboarding reminder about e-book access', week: 1, durationDays: 14,
      channels: ['in-app', 'email'], plan: { id: 1 }, status: 'scheduled'
    });
    expect(e.variants.map((v: { key: string }) => v.key)).toEqual(['control', 'guided']);
    expect(e.metrics).toContainEqual(expect.objectContaining({ key: 'activation', role: 'primary' }));
    expect(e.successCriteria[0]).toMatchObject({ metricKey: 'activation', minRelativeLift: 0.2, maxPValue: 0.05 });
  });

  it.each([
    ['/api/v1/experiments/does-not-exist', 404, 'not_found'],
    ['/api/v1/experiments/bad%20key', 400, 'invalid_request'],
    [`/api/v1/experiments/${'x'.repeat(101)}`, 400, 'invalid_request'],
    ['/api/v1/experiments/-leading-dash', 400, 'invalid_request'],
    ['/api/v1/nothing-here', 404, 'not_found']
  ])('%s -> %i JSON error', async (path, status, code) => {
    const res = await t.authed(path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
  });
});

describe('OpenAPI document', () => {
  it('describes the routes', async () => {
    const doc = await (await t.app.request('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/experiments', '/experiments/{key}']));
  });
});
