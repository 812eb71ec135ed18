import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.cleanup());

const w01 = 'w01-onboarding-ebook-reminder';
const post = (path: string, body?: unknown) => t.authed(path, { method: 'POST', body });
const patch = (key: string, body: unknown) => t.authed(`/api/v1/experiments/${key}`, { method: 'PATCH', body });

describe('pre-registration over HTTP', () => {
  it('an experiment without criteria cannot start (409, saying what is missing); exploratory can', async () => {
    expect((await post('/api/v1/experiments', { key: 'bare', name: 'Bare', variants: [{ key: 'a' }, { key: 'b' }] })).status).toBe(201);
    const refused = await post('/api/v1/experiments/bare/start');
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toEqual({
      code: 'conflict', message: expect.stringMatching(/^experiment 'bare' cannot start: it has no primary metric and no success criteria\. .*mark it exploratory/)
    });
    expect((await patch('bare', { exploratory: true })).status).toBe(200);
    const started = await post('/api/v1/experiments/bare/start');
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({ status: 'running', exploratory: true, registration: { exploratory: true, criteria: [], amendments: [] } });
  });

  it('GET returns the registration; a criteria change needs amendmentReason and is listed with the report views before it', async () => {
    expect((await t.authed(`/api/v1/experiments/${w01}`).then((r) => r.json())).registration).toBeNull();
    expect((await post(`/api/v1/experiments/${w01}/start`)).status).toBe(200);
    expect((await t.authed(`/api/v1/experiments/${w01}/results`)).status).toBe(200);

    const lower = { successCriteria: [{ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.05, description: 'activation +5%' }] };
    const refused = await patch(w01, lower);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toMatch(/changing criteria is an amendment and needs a reason \("amendmentReason"\)/);
    const blank = await patch(w01, { ...lower, amendmentReason: '' });
    expect(blank.status).toBe(400);
    expect((await patch(w01, { ...lower, amendmentReason: 'the +20% bar was a typo' })).status).toBe(200);

    const detail = await (await t.authed(`/api/v1/experiments/${w01}`)).json();
    expect(detail.reportViews).toBe(1);
    expect(detail.registration).toMatchObject({
      registeredAtMs: t.clock.nowMs, plannedMde: 0.2, exploratory: false,
      analysis: { mode: 'sequential', correction: 'holm', alpha: 0.05 },
      criteria: [{ kind: 'lift', minRelativeLift: 0.2 }, { kind: 'guardrail', maxRelativeDegradation: null }],
      amendments: [{ actor: 'key:test admin', reason: 'the +20% bar was a typo', fields: ['criteria'], reportViews: 1, after: { criteria: [{ minRelativeLift: 0.05 }] } }]
    });

    const report = await (await t.authed(`/api/v1/experiments/${w01}/results`)).json();
    expect(report.criteria.map((c: { minRelativeLift: number | null }) => c.minRelativeLift)).toEqual([0.2, null]);
    expect(report.registration.amendedCriteria).toHaveLength(1);
    expect(report.amendedDecision).toMatchObject({ outcome: expect.any(String) });
  });
});
