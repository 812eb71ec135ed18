import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import type { Db } from '../connection.ts';
import { experiments } from '../schema.ts';
import {
  aggregateMetrics, exposuresByDay, totalsFromCumulative, winsorizationCaps, withMetricUsers, type MetricQuerySpec
} from './index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 30); // a Monday, 00:00 UTC

let database: ReturnType<typeof tempDatabase>;
let db: Db;
let experimentId: number;

function expose(userId: string, variant: string, atMs: number, attributes: object = {}, conflicts = 0) {
  db.$client.prepare(
    `INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, conflict_count, attributes)
     VALUES (?, ?, ?, ?, ?, ?, ?)`
  ).run(experimentId, userId, variant, atMs, atMs, conflicts, JSON.stringify(attributes));
}
function event(userId: string, name: string, atMs: number, value: number | null = null) {
  db.$client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, ?, ?, ?)')
    .run(userId, name, value, atMs, atMs);
}

beforeEach(() => {
  database = tempDatabase();
  db = database.db;
  experimentId = db.insert(experiments).values({ key: 'agg', name: 'Aggregation' }).returning().get().id;
  // control: a (day 0), b (day 1); treatment: c (day 0), d (day 1, also saw control)
  expose('a', 'control', T0 + 1000, { channel: 'email' });
  expose('b', 'control', T0 + DAY + 1000, { channel: 'push' });
  expose('c', 'treatment', T0 + 2000, { channel: 'email' });
  expose('d', 'treatment', T0 + DAY + 2000, {}, 2);
  event('a', 'open', T0 + 5000);
  event('a', 'open', T0 + 6000);
  event('a', 'open', T0 - 5000); // before exposure: ignored
  event('a', 'click', T0 + 7000);
  event('b', 'open', T0 + DAY + 1000 + 7 * DAY); // exactly at the 7-day window end: excluded
  event('c', 'open', T0 + 3000);
  event('c', 'buy', T0 + 4000, 10);
  event('c', 'buy', T0 + 5000, 30);
  event('d', 'buy', T0 + DAY + 3000, 1000);
  event('d', 'open', T0 + DAY + 3000);
  event('d', 'click', T0 + DAY + 4000);
  event('d', 'click', T0 + DAY + 5000);
  event('z', 'open', T0 + 5000); // never exposed: ignored
});
afterEach(() => database.cleanup());

const metrics: MetricQuerySpec[] = [
  { key: 'opened', kind: 'binomial', eventName: 'open', windowDays: 7 },
  { key: 'opens', kind: 'count', eventName: 'open', windowDays: 7 },
  { key: 'revenue', kind: 'sum', eventName: 'buy', windowDays: 7 },
  { key: 'ctr', kind: 'ratio', eventName: 'click', denominatorEventName: 'open', windowDays: 7 }
];

function run<T>(segmentAttribute: string | null, fn: () => T): T {
  return withMetricUsers(db.$client, { experimentId, metrics, segmentAttribute }, fn);
}

describe('aggregateMetrics by variant', () => {
  it('computes n, Σy and Σy² per metric inside each user\'s window', () => {
    const rows = run(null, () => aggregateMetrics(db.$client, metrics, [null, null, null, null], 'variant'));
    const byVariant = Object.fromEntries(rows.map((r) => [r.variant, r]));
    const cases: Array<[string, string, number, Partial<Record<'sum' | 'sumSquares' | 'sumDenominator' | 'sumCrossProducts', number>>]> = [
      ['binomial: a opened, b only after the window', 'control', 0, { sum: 1, sumSquares: 1 }],
      ['binomial: c and d opened', 'treatment', 0, { sum: 2, sumSquares: 2 }],
      ['count: a opened twice after exposure', 'control', 1, { sum: 2, sumSquares: 4 }],
      ['sum: c bought 40, d 1000', 'treatment', 2, { sum: 1040, sumSquares: 40 * 40 + 1000 * 1000 }],
      ['ratio: clicks over opens, a 1/2', 'control', 3, { sum: 1, sumDenominator: 2, sumCrossProducts: 2 }],
      ['ratio: c 0/1, d 2/1', 'treatment', 3, { sum: 2, sumDenominator: 2, sumCrossProducts: 2 }]
    ];
    for (const [name, variant, metricIndex, expected] of cases) {
      expect(byVariant[variant].metrics[metricIndex], name).toMatchObject(expected);
    }
    expect(byVariant.control.users).toBe(2);
    expect(byVariant.treatment.conflicted).toBe(1);
  });

  it('caps per-user values at the percentile of non-zero values (winsorization)', () => {
    const capped = metrics.map((m) => (m.key === 'revenue' ? { ...m, winsorizePercentile: 0.5 } : m));
    const rows = withMetricUsers(db.$client, { experimentId, metrics: capped }, () => {
      const caps = winsorizationCaps(db.$client, capped);
      expect(caps).toEqual([null, null, 40, null]);
      return aggregateMetrics(db.$client, capped, caps, 'variant');
    });
    expect(rows.find((r) => r.variant === 'treatment')?.metrics[2]).toMatchObject({ sum: 80, sumSquares: 3200 });
  });

  it('drops the temp table afterwards, even when the callback throws', () => {
    expect(() => run(null, () => { throw new Error('boom'); })).toThrow('boom');
    const left = db.$client.prepare("SELECT COUNT(*) AS n FROM temp.sqlite_master WHERE name = 'report_metric_users'").get() as { n: number };
    expect(left.n).toBe(0);
  });
});

describe('aggregateMetrics by day and segment', () => {
  it('accumulates users and sums day by day', () => {
    const rows = run(null, () => aggregateMetrics(db.$client, metrics, [null, null, null, null], 'day'));
    const day0 = T0 / DAY;
    expect(rows.map((r) => [r.day! - day0, r.variant, r.users, r.metrics[2].sum])).toEqual([
      [0, 'control', 1, 0], [0, 'treatment', 1, 40], [1, 'control', 2, 0], [1, 'treatment', 2, 1040]
    ]);
  });

  it('splits by an exposure attribute, missing values as (none)', () => {
    const rows = run('channel', () => aggregateMetrics(db.$client, metrics, [null, null, null, null], 'segment'));
    expect(rows.map((r) => [r.segment, r.variant, r.users])).toEqual([
      ['(none)', 'treatment', 1], ['email', 'control', 1], ['email', 'treatment', 1], ['push', 'control', 1]
    ]);
  });

  it('binds the attribute name rather than splicing it into SQL', () => {
    const rows = run("x') OR 1=1 --", () => aggregateMetrics(db.$client, metrics, [null, null, null, null], 'segment'));
    expect(rows.every((r) => r.segment === '(none)')).toBe(true);
  });
});

describe('exposuresByDay', () => {
  it('counts new exposures per UTC day and variant', () => {
    expect(exposuresByDay(db.$client, experimentId).map((r) => [r.day - T0 / DAY, r.variant, r.users])).toEqual([
      [0, 'control', 1], [0, 'treatment', 1], [1, 'control', 1], [1, 'treatment', 1]
    ]);
  });
});

describe('totalsFromCumulative', () => {
  it('equals the by-variant aggregate', () => {
    const caps = [null, null, null, null];
    const [daily, byVariant] = run(null, () => [aggregateMetrics(db.$client, metrics, caps, 'day'), aggregateMetrics(db.$client, metrics, caps, 'variant')]);
    expect(totalsFromCumulative(daily)).toEqual(byVariant);
  });
});
