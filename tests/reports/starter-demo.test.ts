// The README demo's week 1 at the demo's traffic ends in a decision (issue 13 item 3): the starter
// template's registered criteria and guardrails, as a first start loads them, decide "ship" for the
// true +25% effect on activation. The traffic is the demo's: 20,000 users sent, of whom week 1's
// half of the shared layer (0-50%) keeps about 10,000, over its 14 days. Rates are the template's
// baselines (activation 12%, e-book access 18%, unsubscribe 0.4%). A fixed seed, so the data and
// the verdict are the same on every run; the real demo runs through the simulator (README).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { transition } from '../../calendar/lifecycle/index.ts';
import { starterPlanTemplate } from '../../calendar/seed/template.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const DAY = 86_400_000;
const START = Date.parse('2026-12-02T10:00:00Z');
let t: TestApp;

beforeEach(async () => { t = await createTestApp({ nowMs: START }); });
afterEach(() => t.cleanup());

describe('the starter plan week 1 at the README demo traffic', () => {
  it('is decided "ship guided" by the registered criteria, with the monitor-only guardrail holding', async () => {
    const week1 = starterPlanTemplate().weeks.find((w) => w.key === KEY)!;
    const baseline = (key: string) => starterPlanTemplate().metrics.find((m) => m.key === key)!.baseline!;
    await transition(t.data, KEY, 'start', { actor: 'demo', nowMs: START });
    const experiment = (await t.data.experiments.byKey(KEY))!;
    expect(experiment.registration?.criteria.map((c) => c.kind)).toEqual(['lift', 'guardrail']);
    await t.rows.synthetic({
      experimentId: experiment.id, users: 10_000, seed: 1, startMs: START, days: week1.durationDays,
      variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
      events: [
        { name: 'activation', rate: { control: baseline('activation'), guided: baseline('activation') * 1.25 } },
        { name: 'ebook_access', rate: { control: baseline('ebook_access'), guided: baseline('ebook_access') } },
        { name: 'unsubscribe', rate: { control: baseline('unsubscribe'), guided: baseline('unsubscribe') } }
      ]
    });
    t.clock.nowMs = START + week1.durationDays * DAY;
    await transition(t.data, KEY, 'stop', { actor: 'scheduler', nowMs: t.clock.nowMs });

    const res = await t.authed(`/api/v1/experiments/${KEY}/results`);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.health.usersExposed).toBeGreaterThanOrEqual(report.health.usersNeeded);
    expect(report.decision).toMatchObject({ outcome: 'ship', winningVariant: 'guided', blockedBySrm: false });
    expect(report.decision.primary.relativeLift).toBeGreaterThan(0.2);
    expect(report.decision.reasons.join(' ')).toMatch(/Guardrail Unsubscribe rate \(monitor only, no margin\): guided is not significantly worse/);
  });
});
