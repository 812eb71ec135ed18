// The program holdout in assignment (issue 16 item 4): GET and POST /assign, OFREP, and the plan
// exposures that feed the program impact report. The SDK payload side is tests/sdk/growthbook-sdk.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import { inHoldout } from './holdout.ts';

let t: TestApp;
let planId: number;
const holdout = { seed: 'spring', share: 0.2 };
const admin = async (path: string, body?: unknown, method = 'POST') => {
  const res = await t.authed(path, { method, body });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.json();
};
const sdk = (path: string, body?: unknown) => t.authed(path, { method: body === undefined ? 'GET' : 'POST', body, key: t.sdkKey });
/** The first user ids (user-0, user-1, …) in and out of the holdout. */
const ids = Array.from({ length: 200 }, (_, i) => `user-${i}`);
const held = ids.filter((id) => inHoldout(id, holdout));
const notHeld = ids.filter((id) => !inHoldout(id, holdout));
const planRow = (userId: string) => t.rows.planExposure(planId, userId);

/** A plan with a 20% holdout and a running 50/50 experiment 'held' in it; 'free' runs outside any plan. */
beforeEach(async () => {
  t = await createTestApp();
  planId = (await admin('/api/v1/plans', { name: 'Spring', startDate: '2027-03-01' })).id;
  await admin(`/api/v1/plans/${planId}/holdout`, { share: 0.2, seed: 'spring' }, 'PUT');
  for (const [key, extra] of [['held', { planId }], ['free', {}]] as const) {
    await admin('/api/v1/experiments', { key, name: key, exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }], ...extra });
    await admin(`/api/v1/experiments/${key}/start`);
  }
});
afterEach(() => t.cleanup());

describe('program holdout in assignment', () => {
  it('a held-out user gets the control, not in the experiment (reason holdout), recorded as a holdout plan exposure only', async () => {
    expect(held.length).toBeGreaterThan(20);
    const userId = held[0]!;
    const body = await (await sdk(`/api/v1/assign?experiment=held&userId=${userId}`)).json();
    expect(body.assignments.held).toEqual({ variant: 'control', inExperiment: false, reason: 'holdout', bucket: null });
    expect(await t.rows.exposuresOf(userId)).toEqual([]);
    expect(await planRow(userId)).toMatchObject({ holdout: true });
    // Outside the plan the same user is assigned as anyone.
    expect((await (await sdk(`/api/v1/assign?experiment=free&userId=${userId}`)).json()).assignments.free.inExperiment).toBe(true);
  });

  it('everyone else is split as before and recorded as a plan exposure outside the holdout; the first call wins', async () => {
    const userId = notHeld[0]!;
    const first = (await (await sdk(`/api/v1/assign?experiment=held&userId=${userId}`)).json()).assignments.held;
    expect(first).toMatchObject({ inExperiment: true, reason: 'split' });
    const row = (await planRow(userId))!;
    expect(row).toMatchObject({ holdout: false });
    t.clock.nowMs += 60_000;
    await sdk(`/api/v1/assign?experiment=held&userId=${userId}`);
    expect(await planRow(userId)).toEqual(row);
  });

  it('POST /assign (all active experiments) and expose=false: holdout answered, nothing recorded without expose', async () => {
    const userId = held[1]!;
    const body = await (await sdk('/api/v1/assign', { userId, expose: false })).json();
    expect(body.assignments).toMatchObject({ held: { variant: 'control', inExperiment: false, reason: 'holdout' }, free: { inExperiment: true } });
    expect(await planRow(userId)).toBeUndefined();
    await sdk('/api/v1/assign', { userId });
    expect(await planRow(userId)).toMatchObject({ holdout: true });
  });

  it('OFREP answers the control with reason DEFAULT and assignmentReason holdout', async () => {
    const res = await sdk('/ofrep/v1/evaluate/flags/held', { context: { targetingKey: held[2]! } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ key: 'held', value: 'control', reason: 'DEFAULT', metadata: { inExperiment: false, assignmentReason: 'holdout' } });
  });

  it('a held-out user is not served the plan\'s rolled-out winner; others are', async () => {
    await admin('/api/v1/experiments/held/conclude');
    const row = (await t.data.experiments.byKey('held'))!;
    await t.data.experiments.update(row.id, { rolloutVariantKey: 'treatment' });
    const { notifyExperimentChanged } = await import('../../calendar/lifecycle/index.ts');
    notifyExperimentChanged('held');
    const heldOne = (await (await sdk(`/api/v1/assign?experiment=held&userId=${held[3]!}`)).json()).assignments.held;
    expect(heldOne).toEqual({ variant: 'control', inExperiment: false, reason: 'holdout', bucket: null });
    const other = (await (await sdk(`/api/v1/assign?experiment=held&userId=${notHeld[3]!}`)).json()).assignments.held;
    expect(other).toMatchObject({ variant: 'treatment', inExperiment: false, reason: 'rollout' });
    expect(await planRow(held[3]!)).toMatchObject({ holdout: true });
    expect(await planRow(notHeld[3]!)).toMatchObject({ holdout: false });
  });

  it('a held-out user\'s posted exposure to the control is the plan\'s holdout exposure only; another variant is refused', async () => {
    const [userId, other] = [held[4]!, held[5]!];
    const first = await sdk('/api/v1/exposures', { exposures: [{ experiment: 'held', userId, variant: 'control' }, { experiment: 'held', userId: other, variant: 'treatment' }] });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [
      { index: 1, error: `user '${other}' is in the program holdout of experiment 'held''s plan and was served 'control', not 'treatment'` }] });
    expect(await planRow(userId)).toMatchObject({ holdout: true, firstExposedAtMs: t.clock.nowMs });
    expect(await t.rows.exposuresOf(userId)).toEqual([]);
    expect(await planRow(other)).toBeUndefined();
    // Again, and without a variant: the plan has it already.
    t.clock.nowMs += 60_000;
    const again = await sdk('/api/v1/exposures', { exposures: [{ experiment: 'held', userId }] });
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect(await planRow(userId)).toMatchObject({ holdout: true, firstExposedAtMs: t.clock.nowMs - 60_000 });
  });

  it('a posted exposure of a user in the experiment is the plan exposure outside the holdout; a refused one is none, nor one outside any plan', async () => {
    const [userId, wrong] = [notHeld[5]!, notHeld[6]!];
    const variantOf = async (id: string) => (await (await sdk(`/api/v1/assign?experiment=held&userId=${id}&expose=false`)).json()).assignments.held.variant as string;
    const other = (v: string) => (v === 'control' ? 'treatment' : 'control');
    const res = await sdk('/api/v1/exposures', { exposures: [
      { experiment: 'held', userId, variant: await variantOf(userId) },
      { experiment: 'held', userId: wrong, variant: other(await variantOf(wrong)) },
      { experiment: 'free', userId: notHeld[7]! }
    ] });
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1]);
    expect(await planRow(userId)).toMatchObject({ holdout: false, firstExposedAtMs: t.clock.nowMs });
    expect(await planRow(wrong)).toBeUndefined();
    expect(await planRow(notHeld[7]!)).toBeUndefined();
  });
});
