import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { ingestOf } from '../engine/index.ts';

const t = await createTestApp();
afterAll(() => t.cleanup());
const sdk = (path: string, body: unknown) => t.authed(path, { method: 'POST', body, key: t.sdkKey });
const variantOf = async (userId: string) =>
  (await (await t.authed(`/api/v1/assign?experiment=ing&userId=${userId}&expose=false`, { key: t.sdkKey })).json()).assignments.ing.variant as string;

beforeAll(async () => {
  await t.authed('/api/v1/experiments', { method: 'POST', body: { key: 'ing', name: 'Ingest', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] } });
  await t.authed('/api/v1/experiments/ing/start', { method: 'POST' });
});

describe('POST /api/v1/exposures', () => {
  it('keeps the first exposure, counts repeats, rejects wrong variants per item', async () => {
    const v = await variantOf('e-1');
    const wrong = v === 'control' ? 'treatment' : 'control';
    const at = new Date(t.clock.nowMs + 60_000).toISOString(); // ahead of the server, within the clock tolerance
    const res = await sdk('/api/v1/exposures', { exposures: [
      { experiment: 'ing', userId: 'e-1', variant: v, timestamp: at },
      { experiment: 'ing', userId: 'e-1' },
      { experiment: 'ing', userId: 'e-1', variant: wrong },
      { experiment: 'nope', userId: 'e-1' },
      { experiment: 'w02-email-subject-line', userId: 'e-1' },
      { experiment: 'ing', userId: '' },
      { experiment: 'ing', userId: 'e-2', timestamp: '1999-01-01T00:00:00Z' }
    ] });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([2, 3, 4, 5, 6]);
    expect(body.rejected[0].error).toMatch(/does not match the user's assignment/);
    expect(body.rejected[1].error).toMatch(/not found/);
    expect(body.rejected[2].error).toMatch(/only running experiments/);
    expect(body.rejected[3].error).toMatch(/userId/);
    expect(body.rejected[4].error).toMatch(/400 days/);
    const row = (await t.rows.exposure('ing', 'e-1'))!;
    expect(row).toMatchObject({ variantKey: v, exposureCount: 2, conflictCount: 1, firstExposedAtMs: t.clock.nowMs }); // the repeat (now) came before `at`
  });
});

describe('POST /api/v1/events', () => {
  it('stores events, makes ids idempotent per user, keeps good items beside rejected ones', async () => {
    const batch = { events: [
      { userId: 'u1', event: 'purchase', value: 19.9, id: 'evt-1', timestamp: 1_795_000_000_000 },
      { userId: 'u1', event: 'activation' },
      { userId: 'u1', event: 'purchase', value: 'lots' },
      { userId: 'u1', event: 'bad name!' },
      { userId: 'u2', event: 'purchase', value: 5, id: 'evt-1' },
      { userId: 'u1', event: 'purchase', value: 1.7e308 }
    ] };
    const first = await (await sdk('/api/v1/events', batch)).json();
    expect(first.accepted).toBe(3); // evt-1 of u2 is another event than evt-1 of u1
    expect(first.duplicates).toBe(0);
    expect(first.rejected.map((r: { index: number }) => r.index)).toEqual([2, 3, 5]);
    expect(first.rejected[0].error).toMatch(/^value: /);
    // One huge value would make a metric's sum of squares infinite for the rest of the test.
    expect(first.rejected[2].error).toMatch(/value: is above the limit of 1000000000/);
    const retry = await (await sdk('/api/v1/events', { events: [batch.events[0]] })).json();
    expect(retry).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const stored = await t.rows.events({ clientEventId: 'evt-1', userId: 'u1' });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ userId: 'u1', value: 19.9, timestampMs: 1_795_000_000_000, receivedAtMs: t.clock.nowMs });
  });

  it.each([
    ['an empty batch', { events: [] }, 400, /at least one event/],
    ['a batch over 1000', { events: Array.from({ length: 1001 }, () => ({ userId: 'u', event: 'e' })) }, 400, /limit of 1000 events/],
    ['no events field', { items: [] }, 400, /events/],
    ['events not a list', { events: 'x' }, 400, /events/]
  ])('rejects %s', async (_name, body, status, message) => {
    const res = await sdk('/api/v1/events', body);
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toMatch(message);
  });

  it('rejects a body over 1 MiB with 413 naming the limit', async () => {
    const big = JSON.stringify({ events: [{ userId: 'u', event: 'e', id: 'x'.repeat(1_100_000) }] });
    const res = await t.authed('/api/v1/events', { method: 'POST', key: t.sdkKey, body: big, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large', message: expect.stringMatching(/1 MiB/) } });
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await t.authed('/api/v1/events', { method: 'POST', key: t.sdkKey, body: '{"events": [', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toMatch(/invalid_request|bad_request/);
  });

  it('groups concurrent requests into fewer transactions, each acknowledged after commit', async () => {
    const committer = ingestOf(t.deps); // the engine's group commit
    // The key's first use also queues a last-used stamp: let it happen before counting (any test order).
    expect((await sdk('/api/v1/events', { events: [{ userId: 'warm', event: 'warm-up', id: 'grp-warm' }] })).status).toBe(202);
    const before = { ...committer.stats };
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      sdk('/api/v1/events', { events: [{ userId: `g${i}`, event: 'grouped', id: `grp-${i}` }] }).then((r) => r.json())));
    expect(results.every((r) => r.accepted === 1)).toBe(true);
    const commits = committer.stats.commits - before.commits;
    expect(committer.stats.jobs - before.jobs).toBe(50);
    expect(commits).toBeLessThan(50);
    const n = (await t.rows.events({ eventName: 'grouped' })).length;
    expect(n).toBe(50);
  });
});
