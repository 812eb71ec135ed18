import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import { inHoldout } from '../assign/holdout.ts';

let t: TestApp;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.cleanup());

const admin = async (path: string, body?: unknown, method = 'POST') => {
  const res = await t.authed(path, { method, body });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.json();
};

describe('GET /api/v1/plans/{id}/impact', () => {
  it('compares everyone exposed to the plan with its holdout on the primary metric: lift, CI, p-value, power warning', async () => {
    const planId = (await admin('/api/v1/plans', { name: 'Impact', startDate: '2027-03-01' })).id;
    await admin(`/api/v1/plans/${planId}/holdout`, { share: 0.2, seed: 'impact' }, 'PUT');
    await admin('/api/v1/metrics', { key: 'impact_buy', name: 'Bought', kind: 'binomial', eventName: 'impact_buy' });
    await admin('/api/v1/experiments', { key: 'impact-exp', name: 'Impact exp', exploratory: true, planId,
      variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: ['impact_buy'] } });
    await admin('/api/v1/experiments/impact-exp/start');
    // 1,000 users through /assign; 10% of the holdout buy, 30% of the others.
    const users = Array.from({ length: 1_000 }, (_, i) => `imp-${i}`);
    const events: Array<{ userId: string; event: string }> = [];
    for (const [i, userId] of users.entries()) {
      await admin('/api/v1/assign', { userId, experiments: ['impact-exp'] });
      if (i % 10 < (inHoldout(userId, { seed: 'impact', share: 0.2 }) ? 1 : 3)) events.push({ userId, event: 'impact_buy' });
    }
    t.clock.nowMs += 60_000;
    for (let i = 0; i < events.length; i += 500) await admin('/api/v1/events', { events: events.slice(i, i + 500) });
    t.clock.nowMs += 60_000;
    const impact = await admin(`/api/v1/plans/${planId}/impact`, undefined, 'GET');
    const held = users.filter((u) => inHoldout(u, { seed: 'impact', share: 0.2 })).length;
    expect(impact).toMatchObject({ planId, holdoutShare: 0.2, shippedWinners: [] });
    const [metric] = impact.metrics;
    expect(metric).toMatchObject({ key: 'impact_buy', holdout: { users: held }, rest: { users: 1_000 - held } });
    expect(metric.holdout.mean).toBeCloseTo(0.1, 1);
    expect(metric.rest.mean).toBeCloseTo(0.3, 1);
    expect(metric.lift).toBeGreaterThan(1);
    expect(metric.ci[0]).toBeGreaterThan(0);
    expect(metric.pValue).toBeLessThan(0.01);
    // 1,000 users cannot show +10%: the power check says the holdout is too small.
    expect(impact.power.warning).toMatch(/holdout is too small/);
  }, 60_000);

  it('answers 404 for an unknown plan and a warning for a plan without holdout', async () => {
    expect((await t.authed('/api/v1/plans/999/impact')).status).toBe(404);
    const planId = (await admin('/api/v1/plans', { name: 'No holdout', startDate: '2027-03-01' })).id;
    expect((await admin(`/api/v1/plans/${planId}/impact`, undefined, 'GET')).power.warning).toMatch(/no holdout/);
  });
});
