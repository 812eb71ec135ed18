import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import { calendarTokenOf, createPlan } from '../plans/index.ts';
import { extendDuration } from '../lifecycle/index.ts';

let t: TestApp;
beforeEach(async () => { t = await createTestApp({ nowMs: new Date(2026, 10, 25, 10).getTime() }); });
afterEach(() => t.cleanup());
/** A second, empty plan (the seed has only plan 1). */
const createOtherPlan = () => createPlan(t.data, { name: 'Other', startDate: '2027-03-01' }, { actor: 'test', nowMs: t.clock.nowMs });

/** Parses a feed with ical.js (a real RFC 5545 parser) into plain events. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return {
    name: calendar.getFirstPropertyValue('x-wr-calname'),
    events: calendar.getAllSubcomponents('vevent').map((v) => {
      const e = new ICAL.Event(v);
      return { uid: e.uid, summary: e.summary, start: e.startDate.toString(), end: e.endDate.toString(), allDay: e.startDate.isDate };
    })
  };
}

describe('GET /api/v1/plans/{id}/calendar.ics', () => {
  it('has each run and its review date as separate all-day events that ical.js reads back', async () => {
    const token = await calendarTokenOf(t.data, 1);
    await extendDuration(t.data, 'w02-email-subject-line', 4, { actor: 'test', nowMs: t.clock.nowMs }); // 10 -> 14 days
    const res = await t.app.request(`/api/v1/plans/1/calendar.ics?token=${token}`); // no API key: the token is the key
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const { name, events } = parse(await res.text());
    expect(name).toBe('90-day test calendar: from awareness to engagement');
    expect(events).toHaveLength(24);
    const byUid = new Map(events.map((e) => [e.uid, e]));
    // Week 1: 14 days from Monday 30 Nov: runs through 13 Dec (DTEND exclusive 14 Dec), review on 14 Dec.
    expect(byUid.get('w01-onboarding-ebook-reminder-run@weekly-experiments')).toEqual({
      uid: 'w01-onboarding-ebook-reminder-run@weekly-experiments', summary: 'Onboarding reminder about e-book access (week 1)',
      start: '2026-11-30', end: '2026-12-14', allDay: true
    });
    expect(byUid.get('w01-onboarding-ebook-reminder-review@weekly-experiments')).toMatchObject({
      summary: 'Review: Onboarding reminder about e-book access', start: '2026-12-14', end: '2026-12-15', allDay: true
    });
    // The extension moved week 2's review: 7 Dec + 14 days.
    expect(byUid.get('w02-email-subject-line-review@weekly-experiments')).toMatchObject({ start: '2026-12-21' });
  });

  it('an empty plan is a valid, empty calendar', async () => {
    const plan = await createPlan(t.data, { name: 'Empty', startDate: '2027-03-01' }, { actor: 'test', nowMs: t.clock.nowMs });
    const res = await t.app.request(`/api/v1/plans/${plan.id}/calendar.ics?token=${plan.calendarToken}`);
    expect(res.status).toBe(200);
    expect(parse(await res.text())).toEqual({ name: 'Empty', events: [] });
  });

  it.each([
    ['a wrong token', async () => `/api/v1/plans/1/calendar.ics?token=not-the-token`, 404],
    ['a token of another plan', async () => `/api/v1/plans/1/calendar.ics?token=${(await createOtherPlan()).calendarToken}`, 404],
    ['a plan that does not exist', async () => `/api/v1/plans/999/calendar.ics?token=${await calendarTokenOf(t.data, 1)}`, 404],
    ['no token', async () => '/api/v1/plans/1/calendar.ics', 400]
  ])('%s -> %i, without saying whether the plan exists', async (_name, path, status) => {
    const res = await t.app.request(await path());
    expect(res.status).toBe(status);
    const body = await res.json();
    if (status === 404) expect(body.error.message).toMatch(/^plan '\d+' was not found$/);
  });

  it('a rotated token retires the old feed URL', async () => {
    const old = await calendarTokenOf(t.data, 1);
    const rotated = await (await t.authed('/api/v1/plans/1/calendar-token', { method: 'POST' })).json();
    expect((await t.app.request(`/api/v1/plans/1/calendar.ics?token=${old}`)).status).toBe(404);
    expect((await t.app.request(rotated.feedPath)).status).toBe(200);
  });
});
