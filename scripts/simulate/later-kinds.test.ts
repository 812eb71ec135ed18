import { describe, expect, it } from 'vitest';
import { laterKindEvents } from './simulate.ts';
import { seededRandom } from './random.ts';

const DAY = 86_400_000;
const user = { userId: 'u1', atMs: 1_000 * DAY };
const far = user.atMs + 100 * DAY;
const metric = (over: Record<string, unknown>) => ({ key: 'm', kind: 'binomial', eventName: 'e', baseline: null, ...over });

describe('laterKindEvents: data every later kind measures', () => {
  const many = (m: ReturnType<typeof metric>, endMs = far, effect = 0) =>
    Array.from({ length: 200 }, (_, i) => laterKindEvents(m, { ...user, userId: `u${i}` }, seededRandom(i), endMs, 14, effect));

  it('retention: one return inside days a-b', () => {
    for (const [e] of many(metric({ kind: 'retention', windowStartDays: 7, windowDays: 14 }))) {
      expect(e!.timestamp - user.atMs).toBeGreaterThanOrEqual(7 * DAY);
      expect(e!.timestamp - user.atMs).toBeLessThan(14 * DAY);
    }
  });

  it('time to event: one event inside the window (the experiment duration when the metric has none), none after the end', () => {
    for (const [e] of many(metric({ kind: 'time_to_event' }))) expect(e!.timestamp - user.atMs).toBeLessThan(14 * DAY);
    const cut = many(metric({ kind: 'time_to_event' }), user.atMs + 2 * DAY);
    expect(cut.filter((list) => list.length === 0).length).toBeGreaterThan(100);
    for (const list of cut) for (const e of list) expect(e.timestamp).toBeLessThanOrEqual(user.atMs + 2 * DAY);
  });

  it('threshold: exactly minCount events with distinct ids', () => {
    for (const list of many(metric({ kind: 'threshold', minCount: 3 }))) {
      expect(list.length).toBe(3);
      expect(new Set(list.map((e) => e.id)).size).toBe(3);
    }
  });

  it('a mean per event: 1-3 valued events whose mean scales with the effect', () => {
    const aov = metric({ kind: 'ratio', eventName: 'purchase', denominatorEventName: 'purchase', denominatorAggregate: 'count' });
    const mean = (lists: ReturnType<typeof many>) => { const all = lists.flat(); return all.reduce((a, e) => a + e.value!, 0) / all.length; };
    const base = many(aov);
    for (const list of base) expect(list.length).toBeGreaterThanOrEqual(1);
    expect(mean(many(aov, far, 0.5)) / mean(base)).toBeCloseTo(1.5, 1);
  });
});
