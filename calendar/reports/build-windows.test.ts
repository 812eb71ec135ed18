// buildReport on metrics that count a user only once their window has closed (windows.ts):
// the notes and fields each such result carries (restriction, window start, users waiting),
// the segment split that leaves them out, the cumulative series of such a primary metric, and
// a metric without its own window taking the experiment's duration. 2,800 synthetic users over
// 14 days from START: exactly 200 first exposed on each UTC day.
import { describe, expect, it } from 'vitest';
import { useReportDatabase } from '../../tests/helpers/report-rows.ts';
import type { Data, NewCriterion } from '../../db/store/index.ts';
import { buildReport } from './build.ts';
import type { MetricResult } from './types.ts';

const KEY = 'w01-onboarding-ebook-reminder'; // metrics: activation, ebook_access, time_to_activation (time to event, 14 days), unsubscribe
// A local Monday: plans count the server's calendar days.
const SEEDED_AT = new Date(2026, 10, 23, 9).getTime();
const START = Date.parse('2026-11-30T00:00:00Z');
// Day 2026-12-20 (UTC): a 14-day window has closed for the users of 2026-11-30 to 2026-12-05 (6 days, 1,200 users).
const AFTER_END = Date.parse('2026-12-20T12:00:00Z');
// Every 14-day window has closed; a 30-day one too.
const MUCH_LATER = Date.parse('2027-02-01T12:00:00Z');
const USERS = 2800;

let data: Data;
let experimentId: number;

useReportDatabase(SEEDED_AT, async (fresh, rows) => {
  data = fresh;
  experimentId = (await data.experiments.byKey(KEY))!.id;
  await data.experiments.update(experimentId, { status: 'running', startedAtMs: START });
  // Two retention metrics beside the experiment's own: days 7-14 (returns by app_open) and churn within 30 days.
  const links = await data.experiments.metricLinks(experimentId);
  const retention = (await data.metrics.byKey('retention_d7_14'))!;
  const churn = (await data.metrics.byKey('churn_30d'))!;
  await data.experiments.replaceMetricLinks(experimentId, [
    ...links.map((l) => ({ metricId: l.metric.id, role: l.role })),
    { metricId: retention.id, role: 'secondary' }, { metricId: churn.id, role: 'secondary' }
  ]);
  rows.synthetic({
    experimentId, users: USERS, seed: 3, startMs: START, days: 14,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
    events: [
      { name: 'activation', rate: { control: 0.3, guided: 0.4 } },
      { name: 'app_open', rate: { control: 0.3, guided: 0.3 }, withinMs: 12 * 86_400_000 },
      { name: 'subscription_cancel', rate: { control: 0.05, guided: 0.05 } },
      { name: 'unsubscribe', rate: { control: 0.05, guided: 0.05 } }
    ],
    attributes: (i) => ({ channel: i % 2 ? 'email' : 'in-app' })
  });
});

const metric = (metrics: MetricResult[], key: string) => metrics.find((m) => m.key === key)!;
const armUsers = (m: MetricResult) => m.arms.reduce((a, arm) => a + arm.users, 0);
const windowFields = (m: MetricResult) => ({ restrictionHours: m.restrictionHours, windowStartDays: m.windowStartDays, usersWaiting: m.usersWaiting });

describe('metrics that wait for their window', () => {
  it('a time to event: the restriction in days and hours, and how many users still wait for theirs', async () => {
    const m = metric((await buildReport(data, KEY, {}, AFTER_END)).metrics, 'time_to_activation');
    expect(windowFields(m)).toEqual({ restrictionHours: 336, windowStartDays: undefined, usersWaiting: 1600 });
    expect(armUsers(m)).toBe(1200);
    expect(m.notes).toEqual(expect.arrayContaining([
      'Restricted mean over 14 days (336 hours): users without the event count 336 hours.',
      '1600 exposed users left out: their 14-day window has not closed yet.'
    ]));
  });

  it('a retention metric: its window start, and the users waiting named by its days', async () => {
    const metrics = (await buildReport(data, KEY, {}, AFTER_END)).metrics;
    const retention = metric(metrics, 'retention_d7_14');
    expect(windowFields(retention)).toEqual({ restrictionHours: undefined, windowStartDays: 7, usersWaiting: 1600 });
    expect(retention.notes).toContain('1600 exposed users left out: their day 7-14 window has not closed yet.');
    expect(retention.notes.join(' ')).not.toMatch(/Restricted mean/);
    const churn = metric(metrics, 'churn_30d');
    expect(windowFields(churn)).toEqual({ restrictionHours: undefined, windowStartDays: 0, usersWaiting: USERS });
    expect(churn.notes).toContain(`${USERS} exposed users left out: their day 0-30 window has not closed yet.`);
  });

  it('a retention metric without a window start starts on day 0', async () => {
    const retention = (await data.metrics.byKey('retention_d7_14'))!;
    await data.metrics.update(retention.id, { windowStartDays: null });
    const m = metric((await buildReport(data, KEY, {}, AFTER_END)).metrics, 'retention_d7_14');
    expect(m.windowStartDays).toBe(0);
    expect(m.notes).toContain('1600 exposed users left out: their day 0-14 window has not closed yet.');
  });

  it('once every window has closed nobody waits and no note says so', async () => {
    const metrics = (await buildReport(data, KEY, {}, MUCH_LATER)).metrics;
    for (const key of ['time_to_activation', 'retention_d7_14', 'churn_30d']) {
      const m = metric(metrics, key);
      expect(m.usersWaiting, key).toBe(0);
      expect(armUsers(m), key).toBe(USERS);
      expect(m.notes.join(' '), key).not.toMatch(/left out/);
    }
  });

  it('a metric that does not wait gets none of these fields or notes', async () => {
    const metrics = (await buildReport(data, KEY, {}, AFTER_END)).metrics;
    for (const key of ['activation', 'unsubscribe']) {
      const m = metric(metrics, key);
      expect(windowFields(m), key).toEqual({ restrictionHours: undefined, windowStartDays: undefined, usersWaiting: undefined });
      expect(armUsers(m), key).toBe(USERS);
      expect(m.notes, key).toEqual([]);
    }
  });

  it('a metric without its own window takes the experiment\'s duration', async () => {
    const tte = (await data.metrics.byKey('time_to_activation'))!;
    await data.metrics.update(tte.id, { windowDays: null });
    await data.experiments.update(experimentId, { durationDays: 10 });
    // A 10-day window has closed for the users of 2026-11-30 to 2026-12-09 (10 days, 2,000 users).
    const m = metric((await buildReport(data, KEY, {}, AFTER_END)).metrics, 'time_to_activation');
    expect(m).toMatchObject({ windowDays: 10, restrictionHours: 240, usersWaiting: 800 });
    expect(m.notes).toContain('Restricted mean over 10 days (240 hours): users without the event count 240 hours.');
  });
});

describe('segments and the cumulative series of waiting metrics', () => {
  it('a segment split leaves them uncompared and says why; the other metrics are split', async () => {
    const report = await buildReport(data, KEY, { segment: 'channel' }, AFTER_END);
    expect(report.segments!.values.map((v) => [v.value, v.users])).toEqual([['email', 1400], ['in-app', 1400]]);
    for (const value of report.segments!.values) {
      const tte = metric(value.metrics, 'time_to_activation');
      expect(tte.notes).toContain('Not split by segment: this metric counts users once their whole window has passed, which a segment split does not track.');
      expect(tte.notes.join(' ')).not.toMatch(/left out/);
      expect(windowFields(tte)).toEqual({ restrictionHours: 336, windowStartDays: undefined, usersWaiting: undefined });
      expect(armUsers(tte)).toBe(0);
      expect(metric(value.metrics, 'retention_d7_14').windowStartDays).toBe(7);
      expect(armUsers(metric(value.metrics, 'activation'))).toBe(1400);
    }
  });

  it('a segment no exposure carries: the attribute and caveat, no values', async () => {
    expect((await buildReport(data, KEY, { segment: 'country' }, AFTER_END)).segments).toEqual({
      attribute: 'country', values: [],
      caveat: 'Segment results are exploratory: p-values are not adjusted for the number of segments, and a segment was not a pre-registered criterion.'
    });
  });

  it('a primary metric that waits: each day\'s point counts only the users whose window had closed by then', async () => {
    const criteria = await data.experiments.criteria(experimentId);
    await data.experiments.replaceCriteria(experimentId, criteria.map(({ id: _id, experimentId: _e, ...c }): NewCriterion =>
      (c.kind === 'lift' ? { ...c, metricKey: 'time_to_activation' } : c)));
    const report = await buildReport(data, KEY, { analysis: 'fixed' }, AFTER_END);
    const [series] = report.cumulative;
    expect(series).toMatchObject({ metric: 'time_to_activation', variant: 'guided' });
    // Days 1-6 close by AFTER_END (200 more users each); later days add nobody whose window closed.
    expect(series!.points.map((p) => p.users)).toEqual([200, 400, 600, 800, 1000, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200]);
    const overall = metric(report.metrics, 'time_to_activation').comparisons[0]!.relative!;
    expect(series!.points.at(-1)).toMatchObject({ relative: overall.estimate, ciLow: overall.ciLow, ciHigh: overall.ciHigh });
  });
});

describe('sequential analysis without a planned sample', () => {
  it('uses the default tuning: its intervals are still wider than fixed-horizon ones', async () => {
    await data.experiments.update(experimentId, { plannedMde: null });
    const criteria = await data.experiments.criteria(experimentId);
    await data.experiments.replaceCriteria(experimentId, criteria.map(({ id: _id, experimentId: _e, ...c }) => ({ ...c, minRelativeLift: c.kind === 'lift' ? 0 : c.minRelativeLift })));
    const width = async (analysis: 'sequential' | 'fixed') => {
      const report = await buildReport(data, KEY, { analysis }, AFTER_END);
      expect(report.health.usersNeeded).toBeNull();
      const c = metric(report.metrics, 'activation').comparisons[0]!;
      return c.absolute.ciHigh - c.absolute.ciLow;
    };
    expect(await width('sequential')).toBeGreaterThan(await width('fixed'));
  });
});
