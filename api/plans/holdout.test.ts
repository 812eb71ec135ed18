import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => { t = await createTestApp({ nowMs: new Date(2026, 10, 25, 10).getTime() }); });
afterEach(() => t.cleanup());

async function newPlan(): Promise<number> {
  const res = await t.authed('/api/v1/plans', { method: 'POST', body: { name: 'Holdout plan', startDate: '2027-03-01' } });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}
const putHoldout = (planId: number, body: unknown) => t.authed(`/api/v1/plans/${planId}/holdout`, { method: 'PUT', body });

describe('PUT /api/v1/plans/{id}/holdout', () => {
  it('stores the share with the default seed plan-<id>, keeps a given seed, and turns off with 0', async () => {
    const planId = await newPlan();
    const set = await putHoldout(planId, { share: 0.05 });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ id: planId, holdoutShare: 0.05, holdoutSeed: `plan-${planId}` });
    expect(await (await putHoldout(planId, { share: 0.1, seed: 'spring-2027' })).json()).toMatchObject({ holdoutShare: 0.1, holdoutSeed: 'spring-2027' });
    expect(await (await putHoldout(planId, { share: 0 })).json()).toMatchObject({ holdoutShare: 0, holdoutSeed: 'spring-2027' });
    expect((await (await t.authed(`/api/v1/plans/${planId}`)).json()).plan).toMatchObject({ holdoutShare: 0, holdoutSeed: 'spring-2027' });
  });

  it.each([
    ['a share above 20%', { share: 0.25 }, /at most 0.2/],
    ['a negative share', { share: -0.01 }, /at least 0/],
    ['a share as text', { share: '5%' }, /number/],
    ['no share', {}, /share/],
    ['a seed with spaces', { share: 0.05, seed: 'my seed' }, /seed/]
  ])('answers 400 for %s', async (_name, body, message) => {
    const res = await putHoldout(await newPlan(), body);
    expect(res.status).toBe(400);
    const error = (await res.json()).error;
    expect(error.code).toBeTypeOf('string');
    expect(error.message).toMatch(message);
  });

  it('answers 404 for an unknown plan and 409 once an experiment of the plan has started', async () => {
    expect((await putHoldout(999, { share: 0.05 })).status).toBe(404);
    const planId = await newPlan();
    const created = await t.authed('/api/v1/experiments', { method: 'POST', body: {
      key: 'held', name: 'Held', exploratory: true, planId, variants: [{ key: 'control' }, { key: 'treatment' }] } });
    expect(created.status).toBe(201);
    expect((await putHoldout(planId, { share: 0.05 })).status).toBe(200);
    expect((await t.authed('/api/v1/experiments/held/start', { method: 'POST' })).status).toBe(200);
    const late = await putHoldout(planId, { share: 0.1 });
    expect(late.status).toBe(409);
    expect((await late.json()).error.message).toMatch(/'held' has started/);
    // The same values again change nothing and are accepted.
    expect((await putHoldout(planId, { share: 0.05 })).status).toBe(200);
  });
});

describe('PUT /api/v1/plans/{id}/holdout: the power check when the share is chosen', () => {
  it('warns that 1% cannot show the plan\'s goal in its 84 days at its traffic, and not for 20%', async () => {
    const plan = await t.authed('/api/v1/plans', { method: 'POST', body: { name: 'Power', startDate: '2027-03-01', goal: '+20% activation', dailyTraffic: { email: 1_000, push: 400 } } });
    const planId = (await plan.json()).id;
    expect((await t.authed('/api/v1/metrics', { method: 'POST', body: { key: 'p_activation', name: 'Activation', kind: 'binomial', eventName: 'p_activation', baseline: 0.12 } })).status).toBe(201);
    expect((await t.authed('/api/v1/experiments', { method: 'POST', body: { key: 'power-exp', name: 'Power exp', exploratory: true, planId,
      variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: ['p_activation'] } } })).status).toBe(201);
    const small = await (await putHoldout(planId, { share: 0.01 })).json();
    expect(small).toMatchObject({ holdoutShare: 0.01, power: { basis: 'planned', expectedLift: 0.2, expectedFrom: 'goal', dailyUsers: 1_000 } });
    expect(small.power.detectableLift).toBeGreaterThan(0.2);
    expect(small.power.warning).toMatch(/holdout is too small to show \+20% \(the plan's goal\) in the plan's 84 days: with 1% held out and about 1,000 users a day it can show \+2\d(\.\d)?% or more on Activation/);
    const large = await (await putHoldout(planId, { share: 0.2 })).json();
    expect(large.power.detectableLift).toBeLessThan(0.1);
    expect(large.power.warning).toBeNull();
  });
});
