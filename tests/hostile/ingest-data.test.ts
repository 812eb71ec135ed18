// Hostile-input suite (issue "Hardening"), findings 3 and 4: what an sdk key sends is public
// input. Event ids are unique per user, so one key holder cannot suppress another user's events
// by reusing their ids, and a reused id with other content is a conflict, not a silent duplicate.
// Timestamps: an exposure dated before its experiment's start is rejected with the reason, and no
// event before the start is ever counted, even for exposures already stored with such a date.
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';

const t = await createTestApp({ seed: false });
afterAll(() => t.cleanup());

const DAY = 86_400_000;
const MINUTE = 60_000;

async function ok(res: Response | Promise<Response>, status = 200): Promise<Response> {
  const r = await res;
  if (r.status !== status) throw new Error(`${r.status}: ${await r.text()}`);
  return r;
}
const sdk = async (path: string, body: unknown) => (await ok(t.authed(path, { method: 'POST', body, key: t.sdkKey }), 202)).json();

let made = 0;
/** A running experiment with a binomial primary metric on `purchase` (7-day window); returns its key and start. */
async function runningExperiment(): Promise<{ key: string; startMs: number }> {
  const key = `clock-${++made}`;
  await ok(t.authed('/api/v1/metrics', { method: 'POST', body: { key: `bought-${key}`, name: 'Bought', kind: 'binomial', eventName: 'purchase', windowDays: 7 } }), 201);
  await ok(t.authed('/api/v1/experiments', {
    method: 'POST',
    body: {
      key, name: 'Clock skew', variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: [`bought-${key}`] },
      successCriteria: [{ kind: 'lift', metricKey: `bought-${key}`, minRelativeLift: 0.05, description: 'buys more' }]
    }
  }), 201);
  await ok(t.authed(`/api/v1/experiments/${key}/start`, { method: 'POST' }));
  return { key, startMs: t.clock.nowMs };
}

type Report = {
  metrics: Array<{ key: string; arms: Array<{ variant: string; users: number; mean: number | null }> }>;
  health: { exposuresByDay: Array<{ date: string }>; usersExposed: number };
};
const report = async (key: string): Promise<Report> => (await ok(t.authed(`/api/v1/experiments/${key}/results`))).json();
/** Users who converted, over all arms of the primary metric. */
const converted = (r: Report) => r.metrics[0]!.arms.reduce((sum, arm) => sum + Math.round(arm.users * (arm.mean ?? 0)), 0);

describe('finding 3: event ids are unique per user', () => {
  it('another user cannot suppress a victim\'s events by sending their ids first', async () => {
    const ids = ['order-1', 'order-2', 'order-3'];
    // The attacker's request: the victim's ids, sent first under another user id.
    expect(await sdk('/api/v1/events', { events: ids.map((id) => ({ userId: 'attacker', event: 'purchase', id })) }))
      .toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect(await sdk('/api/v1/events', { events: ids.map((id) => ({ userId: 'victim', event: 'purchase', value: 10, id })) }))
      .toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const victims = await t.rows.number(`select count(*) from events where user_id = 'victim'`);
    expect(victims).toBe(3);
  });

  it('a repeat with the same content is a duplicate; with another name, value or timestamp a conflict per item, never counted', async () => {
    const at = t.clock.nowMs - 3 * MINUTE;
    const original = { userId: 'ana', event: 'purchase', value: 19.9, id: 'evt-ana-1', timestamp: at };
    expect(await sdk('/api/v1/events', { events: [original] })).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const conflict = "id: event id 'evt-ana-1' was already used for a different event of this user";
    expect(await sdk('/api/v1/events', { events: [
      original, // a retry
      { ...original, event: 'refund' },
      { ...original, value: 0.01 },
      { ...original, timestamp: at + 1 },
      { ...original, timestamp: new Date(at).toISOString() } // the same instant, spelled as a date: a retry
    ] })).toEqual({ accepted: 0, duplicates: 2, rejected: [1, 2, 3].map((index) => ({ index, error: conflict })) });
    expect((await t.rows.events({ userId: 'ana' })).map((e) => [e.eventName, e.value, e.timestampMs]))
      .toEqual([['purchase', 19.9, at]]);
  });
});

describe('finding 4: clock skew is not counted', () => {
  it('the probe\'s exposure 390 days before the start is rejected with the reason; its event a day later converts nobody', async () => {
    const { key, startMs } = await runningExperiment();
    const exposedAt = new Date(startMs - 390 * DAY).toISOString();
    const exposures = await sdk('/api/v1/exposures', { exposures: [{ experiment: key, userId: 'skewed', timestamp: exposedAt }] });
    expect(exposures).toEqual({ accepted: 0, duplicates: 0, rejected: [{
      index: 0,
      error: `timestamp: timestamp ${exposedAt} is before experiment '${key}' started (${new Date(startMs).toISOString()}), beyond the clock tolerance of 5 minutes`
    }] });
    expect(await sdk('/api/v1/events', { events: [{ userId: 'skewed', event: 'purchase', timestamp: startMs - 389 * DAY }] }))
      .toMatchObject({ accepted: 1 });
    const r = await report(key);
    expect(r.health.usersExposed).toBe(0);
    expect(converted(r)).toBe(0);
  });

  it('an exposure in the future beyond the tolerance is rejected; within it, it is kept', async () => {
    const { key } = await runningExperiment();
    const later = new Date(t.clock.nowMs + 6 * MINUTE).toISOString();
    expect(await sdk('/api/v1/exposures', { exposures: [
      { experiment: key, userId: 'from-the-future', timestamp: later },
      { experiment: key, userId: 'slightly-ahead', timestamp: t.clock.nowMs + 4 * MINUTE }
    ] })).toEqual({ accepted: 1, duplicates: 0, rejected: [
      { index: 0, error: `timestamp: timestamp ${later} is more than 5 minutes ahead of the server's time` }
    ] });
  });

  it('within the tolerance before the start the exposure counts from the start: an event before the start is not a conversion', async () => {
    const { key, startMs } = await runningExperiment();
    expect(await sdk('/api/v1/exposures', { exposures: [
      { experiment: key, userId: 'early-bird', timestamp: startMs - 4 * MINUTE },
      { experiment: key, userId: 'on-time', timestamp: startMs }
    ] })).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    await sdk('/api/v1/events', { events: [
      { userId: 'early-bird', event: 'purchase', timestamp: startMs - 2 * MINUTE },
      { userId: 'on-time', event: 'purchase', timestamp: startMs + MINUTE }
    ] });
    const r = await report(key);
    expect(r.health.usersExposed).toBe(2);
    expect(converted(r)).toBe(1); // on-time only
  });

  it('exposures already stored with a date before the start (older versions): events before the start are still not counted', async () => {
    const { key, startMs } = await runningExperiment();
    const experimentId = await t.rows.experimentId(key);
    const legacy = (userId: string, exposedAtMs: number, eventAtMs: number) => ({
      exposure: { experimentId, userId, variantKey: 'control', firstExposedAtMs: exposedAtMs, lastExposedAtMs: exposedAtMs },
      event: { userId, eventName: 'purchase', timestampMs: eventAtMs, receivedAtMs: startMs }
    });
    const rows = [
      legacy('legacy-year', startMs - 390 * DAY, startMs - 389 * DAY),
      legacy('legacy-hour', startMs - 3_600_000, startMs - 1_800_000),
      legacy('legacy-counted', startMs - 3_600_000, startMs + 1_800_000)
    ];
    await t.rows.insertTraffic({ exposures: rows.map((r) => r.exposure), events: rows.map((r) => r.event) });
    expect(converted(await report(key))).toBe(1); // legacy-counted only
  });
});

describe('finding 4: dates are ISO 8601 / RFC 3339 or epoch milliseconds', () => {
  const format = 'timestamp: must be epoch milliseconds or an RFC 3339 / ISO 8601 date-time with a time zone, e.g. 2026-11-23T09:00:00Z';
  it.each<[string, unknown, string | null]>([
    ['RFC 3339 in UTC', '2026-11-20T09:00:00Z', null],
    ['RFC 3339 with an offset and fraction', '2026-11-20T09:00:00.250+03:00', null],
    ['epoch milliseconds', 1_795_000_000_000, null],
    ['a date without a time', '2026-11-20', format],
    ['a local time without a zone (would depend on the server\'s zone)', '2026-11-20T09:00:00', format],
    ['a day that does not exist', '2026-02-30T09:00:00Z', format],
    ['a spelling Date.parse guesses at', 'Fri Nov 20 2026 09:00:00', format],
    ['epoch seconds with a fraction', 1_795_000_000.5, format],
    ['a negative epoch', -1, format],
    ['an epoch beyond year 9999', 1e300, format],
    ['a boolean', true, format]
  ])('%s', async (_name, timestamp, error) => {
    const result = await sdk('/api/v1/events', { events: [{ userId: 'dates', event: 'purchase', timestamp }] });
    expect(result.rejected).toEqual(error === null ? [] : [{ index: 0, error }]);
  });
});
