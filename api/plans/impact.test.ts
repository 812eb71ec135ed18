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
    // The plan ends a week after the test's clock (2026-11-23): too soon for this holdout to show +10%.
    const planId = (await admin('/api/v1/plans', { name: 'Impact', startDate: '2026-09-07' })).id;
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
    // 1,000 users cannot show +10%: the power check says how many more days and that the plan ends first.
    expect(impact.power).toMatchObject({ basis: 'measured', expectedLift: 0.1, expectedFrom: 'default', enough: false, daysLeft: 7 });
    expect(impact.power.detectableLift).toBeGreaterThan(0.1);
    expect(impact.power.daysNeeded).toBeGreaterThan(7);
    expect(impact.power.assumption).toMatch(/last 7 days' rate \(1,000 a day\)/);
    expect(impact.power.warning).toMatch(/holdout is too small to show \+10% .* by the plan's end: .* needs about [\d,]+ more days at the current rate; the plan ends in 7 days/);
  }, 60_000);

  it('compares every metric kind: ratio, threshold, retention and time to event, with the users still waiting', async () => {
    const T0 = t.clock.nowMs;
    const HOUR = 3_600_000;
    const planId = (await admin('/api/v1/plans', { name: 'Kinds', startDate: '2026-11-16', goal: '+20% repeat purchase' })).id;
    await admin(`/api/v1/plans/${planId}/holdout`, { share: 0.2, seed: 'kinds' }, 'PUT');
    const metrics = [
      { key: 'k_aov', name: 'Order value', kind: 'ratio', eventName: 'k_buy', denominatorEventName: 'k_buy', denominatorAggregate: 'count' },
      { key: 'k_repeat', name: 'Repeat purchase', kind: 'threshold', eventName: 'k_buy', minCount: 2 },
      { key: 'k_back', name: 'Back on days 1-2', kind: 'retention', eventName: 'k_open', windowStartDays: 1, windowDays: 2 },
      { key: 'k_tta', name: 'Time to activation', kind: 'time_to_event', eventName: 'k_act', windowDays: 1 }
    ];
    for (const m of metrics) await admin('/api/v1/metrics', m);
    await admin('/api/v1/experiments', { key: 'kinds-exp', name: 'Kinds exp', exploratory: true, planId,
      variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: metrics.map((m) => m.key) } });
    await admin('/api/v1/experiments/kinds-exp/start');
    const users = Array.from({ length: 600 }, (_, i) => `kind-${i}`);
    const events: Array<{ userId: string; event: string; value?: number; timestamp: number }> = [];
    for (const [i, userId] of users.entries()) {
      await admin('/api/v1/assign', { userId, experiments: ['kinds-exp'] });
      const held = inHoldout(userId, { seed: 'kinds', share: 0.2 });
      const buy = (value: number, at: number) => events.push({ userId, event: 'k_buy', value, timestamp: T0 + 60_000 + at });
      // Holdout: half buy, a quarter twice, orders 20-26; everyone else: half buy twice, orders 30-36.
      if (held ? i % 4 === 0 : i % 2 === 0) { buy((held ? 20 : 30) + (i % 7), 0); buy((held ? 20 : 30) + (i % 5), HOUR); }
      else if (held && i % 4 === 2) buy(20 + (i % 7), 0);
      // A third of the holdout come back on day 1.5, two thirds of the others.
      if ((i % 3 === 0) === held) events.push({ userId, event: 'k_open', timestamp: T0 + 36 * HOUR });
      // Half activate, the holdout after 18 hours, the others after 6.
      if (i % 2 === 0) events.push({ userId, event: 'k_act', timestamp: T0 + (held ? 18 : 6) * HOUR });
    }
    const held = users.filter((u) => inHoldout(u, { seed: 'kinds', share: 0.2 })).length;
    const byKey = async () => Object.fromEntries((await admin(`/api/v1/plans/${planId}/impact`, undefined, 'GET')).metrics.map((m: { key: string }) => [m.key, m]));
    // Day 1.5: the time-to-activation restriction (1 day) has closed for everyone, the day 1-2 window for nobody.
    const send = async (items: typeof events) => { for (let i = 0; i < items.length; i += 500) await admin('/api/v1/events', { events: items.slice(i, i + 500) }); };
    t.clock.nowMs = T0 + 36 * HOUR + 60_000;
    await send(events);
    const early = await byKey();
    expect(early.k_back).toMatchObject({ waiting: 600, holdout: { users: 0 }, rest: { users: 0 }, lift: null });
    expect(early.k_back.note).toMatch(/600 users left out until their window closes/);
    expect(early.k_tta).toMatchObject({ waiting: 0, direction: 'decrease', verdict: 'better' });
    expect(early.k_tta.holdout.mean).toBeCloseTo(21, 0);
    expect(early.k_tta.rest.mean).toBeCloseTo(15, 0);
    expect(early.k_tta.note).toMatch(/restricted mean hours to k_act over 1 days/);
    t.clock.nowMs = T0 + 3 * 24 * HOUR;
    const impact = await byKey();
    expect(impact.k_back).toMatchObject({ waiting: 0, holdout: { users: held }, rest: { users: 600 - held }, verdict: 'better' });
    expect(impact.k_back.holdout.mean).toBeCloseTo(1 / 3, 1);
    expect(impact.k_back.rest.mean).toBeCloseTo(2 / 3, 1);
    expect(impact.k_repeat.holdout.mean).toBeCloseTo(0.25, 1);
    expect(impact.k_repeat.rest.mean).toBeCloseTo(0.5, 1);
    expect(impact.k_aov.holdout.mean).toBeGreaterThan(20);
    expect(impact.k_aov.holdout.mean).toBeLessThan(27);
    expect(impact.k_aov.rest.mean).toBeGreaterThan(30);
    for (const m of Object.values(impact) as Array<{ key: string; lift: number; ci: [number, number]; pValue: number; goal: boolean }>) {
      expect(m.pValue, m.key).toBeLessThan(0.01);
      expect(Math.sign(m.lift), m.key).toBe(m.key === 'k_tta' ? -1 : 1);
      expect(m.goal, m.key).toBe(m.key === 'k_repeat');
    }
  }, 60_000);

  it('is in the plan exports (Markdown, CSV) and the playbook (JSON, Markdown), with user text escaped', async () => {
    const name = '=HYPERLINK("x") <b>[plan](javascript:1)</b>';
    const planId = (await admin('/api/v1/plans', { name, startDate: '2026-11-16', goal: '+15% buys' })).id;
    const put = await admin(`/api/v1/plans/${planId}/holdout`, { share: 0.1, seed: 'exports' }, 'PUT');
    expect(put.power).toMatchObject({ expectedLift: 0.15, expectedFrom: 'goal' });
    await admin('/api/v1/metrics', { key: 'x_buy', name: 'Buys | *all*', kind: 'binomial', eventName: 'x_buy' });
    await admin('/api/v1/experiments', { key: 'x-exp', name: 'X exp', exploratory: true, planId,
      variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: ['x_buy'] } });
    await admin('/api/v1/experiments/x-exp/start');
    for (let i = 0; i < 200; i++) await admin('/api/v1/assign', { userId: `x-${i}`, experiments: ['x-exp'] });
    await admin('/api/v1/events', { events: Array.from({ length: 200 }, (_, i) => ({ userId: `x-${i}`, event: 'x_buy' })).filter((_, i) => i % 3 === 0) });
    t.clock.nowMs += 60_000;

    const md = await (await t.authed(`/api/v1/plans/${planId}/impact.md`)).text();
    expect(md).toContain('# Program impact: \\=HYPERLINK\\("x"\\) \\<b\\>\\[plan\\]\\(javascript:1\\)\\</b\\>');
    expect(md).toContain('| Buys \\| \\*all\\* (goal) | binomial |');
    expect(md).toMatch(/- Days needed: (about [\d,]+ more days|enough[^;]*); the plan ends in \d+ days/);
    expect(md).toContain('- Expected lift: +15% (goal)');
    expect(md).not.toContain('<b>');
    const csvRes = await t.authed(`/api/v1/plans/${planId}/impact.csv`);
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    const [header, row] = (await csvRes.text()).split('\r\n');
    expect(header).toMatch(/^plan,metric,kind,goal,holdout_users,.*,days_needed,enough,days_left,shipped_winners,warning,note$/);
    expect(row!.startsWith(`"'=HYPERLINK(""x"")`)).toBe(true);
    expect(row).toContain(',x_buy,binomial,true,');

    const playbook = await admin('/api/v1/playbook', undefined, 'GET');
    const impact = playbook.programImpact.find((p: { planId: number }) => p.planId === planId);
    expect(impact).toMatchObject({ planName: name, holdoutShare: 0.1, metrics: [{ key: 'x_buy', holdout: { users: expect.any(Number) } }] });
    expect(impact.metrics[0].holdout.users + impact.metrics[0].rest.users).toBe(200);
    const playbookMd = await (await t.authed('/api/v1/playbook.md')).text();
    expect(playbookMd).toContain('## Program impact: \\=HYPERLINK');
    expect(playbookMd).not.toContain('<b>');
  }, 60_000);

  it('answers 404 for an unknown plan and a warning for a plan without holdout', async () => {
    expect((await t.authed('/api/v1/plans/999/impact')).status).toBe(404);
    const planId = (await admin('/api/v1/plans', { name: 'No holdout', startDate: '2027-03-01' })).id;
    expect((await admin(`/api/v1/plans/${planId}/impact`, undefined, 'GET')).power.warning).toMatch(/no holdout/);
  });
});
