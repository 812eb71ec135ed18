import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';

let t: TestApp;
beforeEach(async () => { t = await createTestApp({ nowMs: new Date(2026, 10, 25, 10).getTime() }); });
afterEach(() => t.cleanup());

const week3 = {
  name: 'Shorter signup form', week: 3, channels: ['landing-page'], primaryMetric: 'click_through', durationDays: 14,
  successCriteria: [{ kind: 'lift', metricKey: 'click_through', minRelativeLift: 0.2, maxPValue: 0.05 }],
  variants: [{ key: 'control', name: 'Long form', weight: 1 }, { key: 'short', name: 'Short form', weight: 1 }],
  audience: 'new visitors', owner: 'Ana', lifecycleStage: 'acquisition'
};

/** The 'Spring program' plan (13 weeks from Monday 1 March 2027, 1,200 landing-page users a day), as answered. */
async function createSpringPlan() {
  const res = await t.authed('/api/v1/plans', { method: 'POST', body: {
    name: 'Spring program', startDate: '2027-03-01', weeks: 13, owner: 'Ana', goal: '+10% sign-ups', dailyTraffic: { 'landing-page': 1200 }
  } });
  expect(res.status).toBe(201);
  return res.json();
}

/** Adds `week3` to the plan; returns the answer. */
async function addWeek3(planId: number) {
  const added = await t.authed(`/api/v1/plans/${planId}/experiments`, { method: 'POST', body: week3 });
  expect(added.status).toBe(201);
  return added.json();
}

describe('plans API', () => {
  it('creates a plan, adds a week-3 experiment and answers its power warning', async () => {
    const plan = await createSpringPlan();
    expect(plan).toMatchObject({ name: 'Spring program', status: 'draft', weeks: 13, calendarToken: expect.any(String) });
    const planId = plan.id;

    expect(await addWeek3(planId)).toMatchObject({
      key: 'w03-shorter-signup-form',
      power: { status: 'too-short', daysNeeded: 20, message: 'needs 20 days at 1,200 users/day to detect +20% on a 3.5% baseline; planned 14' }
    });

    const timeline = await (await t.authed(`/api/v1/plans/${planId}`)).json();
    expect(timeline.weeks).toHaveLength(13);
    expect(timeline.experiments[0]).toMatchObject({ key: 'w03-shorter-signup-form', startDate: '2027-03-15', endDate: '2027-03-28', status: 'draft' });
  });

  it('extends, starts the plan (schedules drafts), and concludes through the lifecycle routes', async () => {
    const planId = (await createSpringPlan()).id;
    await addWeek3(planId);
    const extended = await t.authed('/api/v1/experiments/w03-shorter-signup-form/extend', { method: 'POST', body: { days: 7 } });
    expect((await extended.json()).durationDays).toBe(21);
    const started = await t.authed(`/api/v1/plans/${planId}/start`, { method: 'POST' });
    expect(await started.json()).toEqual({ scheduled: ['w03-shorter-signup-form'] });
    const moved = await t.authed('/api/v1/experiments/w03-shorter-signup-form/reschedule', { method: 'POST', body: { week: 4 } });
    expect(await moved.json()).toMatchObject({ week: 4, startDate: '2027-03-22' });
    const concluded = await t.authed('/api/v1/experiments/w03-shorter-signup-form/conclude', { method: 'POST' });
    expect(concluded.status).toBe(409);
    expect((await concluded.json()).error.message).toMatch(/cannot conclude/);
  });

  it('reports conflicts on the seeded plan and resolves one with a shared layer', async () => {
    await t.rows.clearLayers(); // the starter plan ships without conflicts: make the overlap first
    const timeline = await (await t.authed('/api/v1/plans/1')).json();
    const w01 = timeline.experiments.find((e: { key: string }) => e.key === 'w01-onboarding-ebook-reminder');
    expect(w01.conflictsWith).toContain('w02-email-subject-line');
    const res = await t.authed('/api/v1/plans/1/layers', { method: 'POST', body: { experiments: ['w01-onboarding-ebook-reminder', 'w02-email-subject-line'] } });
    expect(res.status).toBe(200);
    const after = await (await t.authed('/api/v1/plans/1')).json();
    expect(after.experiments.find((e: { key: string }) => e.key === 'w01-onboarding-ebook-reminder').conflictsWith).not.toContain('w02-email-subject-line');
  });

  it.each<[string, string, string, unknown, number, string]>([
    ['a Tuesday start', 'POST', '/api/v1/plans', { name: 'x', startDate: '2027-03-02' }, 400, 'invalid_request'],
    ['14 weeks', 'POST', '/api/v1/plans', { name: 'x', startDate: '2027-03-01', weeks: 14 }, 400, 'invalid_request'],
    ['an impossible date', 'POST', '/api/v1/plans', { name: 'x', startDate: '2027-02-30' }, 400, 'invalid_request'],
    ['negative traffic', 'POST', '/api/v1/plans', { name: 'x', startDate: '2027-03-01', dailyTraffic: { email: -5 } }, 400, 'invalid_request'],
    ['a missing plan', 'GET', '/api/v1/plans/999', undefined, 404, 'not_found'],
    ['a bad plan id', 'GET', '/api/v1/plans/abc', undefined, 400, 'invalid_request'],
    ['an experiment in week 20', 'POST', '/api/v1/plans/1/experiments', { ...week3, week: 20 }, 400, 'invalid_request'],
    ['an unknown metric', 'POST', '/api/v1/plans/1/experiments', { ...week3, name: 'Other', primaryMetric: 'nope' }, 422, 'invalid_input'],
    ['extend by 0 days', 'POST', '/api/v1/experiments/w01-onboarding-ebook-reminder/extend', { days: 0 }, 400, 'invalid_request'],
    ['reschedule with nothing', 'POST', '/api/v1/experiments/w01-onboarding-ebook-reminder/reschedule', {}, 400, 'invalid_request'],
    ['conclude a missing experiment', 'POST', '/api/v1/experiments/nope/conclude', undefined, 404, 'not_found'],
    ['one experiment in a layer', 'POST', '/api/v1/plans/1/layers', { experiments: ['a'] }, 400, 'invalid_request'],
    ['deleting a seeded plan', 'DELETE', '/api/v1/plans/1', undefined, 409, 'conflict'],
    ['moving the clock without ALLOW_CLOCK_CONTROL', 'POST', '/api/v1/clock/advance', { days: 3 }, 403, 'forbidden']
  ])('refuses %s', async (_name, method, path, body, status, code) => {
    const res = await t.authed(path, { method, ...(body === undefined ? {} : { body }) });
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it('writes need an admin key', async () => {
    const res = await t.authed('/api/v1/plans', { method: 'POST', key: t.sdkKey, body: { name: 'x', startDate: '2027-03-01' } });
    expect(res.status).toBe(403);
    expect((await t.app.request('/api/v1/plans', { method: 'POST' })).status).toBe(401);
  });
});

describe('ideas API', () => {
  it('adds an idea and moves it into a week', async () => {
    const created = await t.authed('/api/v1/ideas', { method: 'POST', body: { title: 'Exit-intent survey', source: 'user-feedback', channel: 'web' } });
    expect(created.status).toBe(201);
    const idea = await created.json();
    const list = await (await t.authed('/api/v1/ideas')).json();
    expect(list.ideas.map((i: { title: string }) => i.title)).toContain('Exit-intent survey');
    const moved = await t.authed(`/api/v1/ideas/${idea.id}/move`, { method: 'POST', body: { planId: 1, week: 6 } });
    expect(moved.status).toBe(201);
    expect((await moved.json()).key).toBe('w06-exit-intent-survey');
    const again = await t.authed(`/api/v1/ideas/${idea.id}/move`, { method: 'POST', body: { planId: 1, week: 6 } });
    expect(again.status).toBe(409);
  });

  it.each([
    [{ title: '' }], [{ title: 'x', source: 'gossip' }], [{ title: 'x', channel: 'fax' }]
  ])('refuses %j', async (body) => {
    const res = await t.authed('/api/v1/ideas', { method: 'POST', body });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_request');
  });
});
