// The ingest writes on a real SQLite file: what `writeOps` stores and answers per item, how
// `queueWrite` commits them (a write of several statements rolls back as a whole), and the
// exposure statements (first exposure kept, repeats and conflicts counted, first/last times).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { GroupCommit } from './group-commit.ts';
import { exposureStoreFor } from './exposure-store.ts';
import { queueWrite, writeOps, type CheckedExposure, type EventRow } from './write-ops.ts';

let t: ReturnType<typeof tempDatabase>;
let client: Database.Database;
let experimentId: number;
beforeEach(() => {
  t = tempDatabase();
  client = t.db.$client;
  experimentId = Number(client.prepare(`insert into experiments (key, name, status) values ('wo', 'Write ops', 'running')`).run().lastInsertRowid);
});
afterEach(() => t.cleanup());

type ExposureRow = { user_id: string; variant_key: string; first_exposed_at_ms: number; last_exposed_at_ms: number; exposure_count: number; conflict_count: number; attributes: string };
const exposureRows = () => client.prepare('select user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes from exposures order by user_id').all() as ExposureRow[];
const item = (index: number, userId: string, fields: Partial<CheckedExposure>): CheckedExposure =>
  ({ index, experimentId, userId, atMs: 1000 + index, attributesJson: `{"i":${index}}`, ...fields });

describe('writeOps.exposures', () => {
  it('records in order: the recorded variant wins over the hash, a mismatching claim is rejected and counted as a conflict', () => {
    exposureStoreFor(client).record(experimentId, 'kept', 'b', 500, '{}'); // recorded before, e.g. when coverage was higher
    const outcome = writeOps.exposures(client, [
      item(0, 'u1', { hashVariant: 'a' }),
      item(1, 'u1', { hashVariant: 'b', claimedVariant: 'a', atMs: 900 }), // the hash moved: the recorded 'a' still holds
      item(2, 'u1', { hashVariant: 'a', claimedVariant: 'b' }),
      item(3, 'out', { notAssigned: "user 'out' is not in experiment 'wo' (coverage)" }),
      item(4, 'nobody', {}),
      item(5, 'fresh', { hashVariant: 'a', claimedVariant: 'b' }),
      item(6, 'kept', { notAssigned: "user 'kept' is not in experiment 'wo' (coverage)" }),
      item(7, 'claim', { hashVariant: 'b', claimedVariant: 'b' })
    ]);
    expect(outcome).toEqual({
      accepted: 2, duplicates: 2, rejected: [
        { index: 2, error: "variant 'b' does not match the user's assignment 'a'" },
        { index: 3, error: "user 'out' is not in experiment 'wo' (coverage)" },
        { index: 4, error: 'not assigned' },
        { index: 5, error: "variant 'b' does not match the user's assignment 'a'" }
      ]
    });
    expect(exposureRows()).toEqual([
      { user_id: 'claim', variant_key: 'b', first_exposed_at_ms: 1007, last_exposed_at_ms: 1007, exposure_count: 1, conflict_count: 0, attributes: '{"i":7}' },
      { user_id: 'kept', variant_key: 'b', first_exposed_at_ms: 500, last_exposed_at_ms: 1006, exposure_count: 2, conflict_count: 0, attributes: '{}' },
      { user_id: 'u1', variant_key: 'a', first_exposed_at_ms: 900, last_exposed_at_ms: 1000, exposure_count: 2, conflict_count: 1, attributes: '{"i":0}' }
    ]);
  });

  it('an empty list stores nothing', () => {
    expect(writeOps.exposures(client, [])).toEqual({ accepted: 0, duplicates: 0, rejected: [] });
    expect(exposureRows()).toEqual([]);
  });
});

describe('writeOps.assignments', () => {
  it('returns what is stored per record: the first variant wins, the count goes up', () => {
    const at = { experimentId, atMs: 10, attributesJson: '{"country":"TR"}' };
    expect(writeOps.assignments(client, [
      { ...at, userId: 'a1', variant: 'b' },
      { ...at, userId: 'a2', variant: 'a' },
      { ...at, userId: 'a1', variant: 'a', atMs: 5 }
    ])).toEqual([{ variant: 'b', count: 1 }, { variant: 'a', count: 1 }, { variant: 'b', count: 2 }]);
    expect(exposureRows().map((r) => [r.user_id, r.variant_key, r.first_exposed_at_ms, r.last_exposed_at_ms, r.exposure_count, r.attributes]))
      .toEqual([['a1', 'b', 5, 10, 2, '{"country":"TR"}'], ['a2', 'a', 10, 10, 1, '{"country":"TR"}']]);
  });
});

describe('writeOps.planExposures', () => {
  it('keeps the first exposure per (plan, user) with its holdout flag and time; answers how many were new', () => {
    const planId = Number(client.prepare(`insert into plans (name, start_date) values ('Held', '2027-03-01')`).run().lastInsertRowid);
    const rows = () => client.prepare('select user_id, holdout, first_exposed_at_ms from plan_exposures order by user_id').raw().all();
    expect(writeOps.planExposures(client, [{ planId, userId: 'in', holdout: true, atMs: 10 }, { planId, userId: 'out', holdout: false, atMs: 11 }])).toBe(2);
    expect(writeOps.planExposures(client, [{ planId, userId: 'in', holdout: false, atMs: 5 }, { planId, userId: 'new', holdout: true, atMs: 12 }])).toBe(1);
    expect(writeOps.planExposures(client, [])).toBe(0);
    expect(rows()).toEqual([['in', 1, 10], ['new', 1, 12], ['out', 0, 11]]);
  });
});

describe('exposure store', () => {
  it('reads the recorded variant, or undefined; one set of statements per connection', () => {
    const store = exposureStoreFor(client);
    expect(exposureStoreFor(client)).toBe(store);
    expect(store.recordedVariant(experimentId, 'x')).toBeUndefined();
    expect(store.record(experimentId, 'x', 'b', 7, '{}')).toEqual({ variant: 'b', count: 1 });
    expect(store.recordedVariant(experimentId, 'x')).toBe('b');
    expect(store.recordedVariant(experimentId + 1, 'x')).toBeUndefined();
    store.countConflict(experimentId, 'x');
    store.countConflict(experimentId, 'x');
    expect(exposureRows()[0]).toMatchObject({ exposure_count: 1, conflict_count: 2 });
  });
});

describe('writeOps.events', () => {
  const row = (i: number, id: string | null = `ev-${i}`): EventRow => [id, `user-${i}`, `event-${i % 3}`, i % 2 ? i / 10 : null, 1_000_000 + i, 2_000_000 + i];
  const stored = () => client.prepare('select client_event_id, user_id, event_name, value, timestamp_ms, received_at_ms from events order by timestamp_ms').raw().all();

  it('stores every column of every row across several multi-row statements; a repeated (user, id) with the same content counts once', () => {
    const rows = Array.from({ length: 230 }, (_, i) => row(i));
    rows.push(['ev-5', 'user-5', 'event-2', 0.5, 1_000_005, 9_999_999], row(231, null), row(232, null)); // row 5 again, received later
    expect(writeOps.events(client, rows)).toEqual({ stored: 232, conflicts: [] });
    const all = stored();
    expect(all).toHaveLength(232);
    for (const i of [0, 1, 99, 100, 101, 199, 200, 229]) expect(all[i], `row ${i}`).toEqual(row(i));
    expect(all.slice(230)).toEqual([row(231, null), row(232, null)]);
  });

  it('a second batch with the same ids stores nothing', () => {
    writeOps.events(client, [row(1), row(2)]);
    expect(writeOps.events(client, [row(2), row(1)])).toEqual({ stored: 0, conflicts: [] });
    expect(stored()).toHaveLength(2);
  });

  // The event-id rule (write-ops.ts): unique per user; a repeat with other content is a conflict.
  const first: EventRow = ['id-1', 'ana', 'purchase', 19.9, 1_000, 2_000];
  it.each<[string, EventRow, { stored: number; conflicts: number[] }]>([
    ['same user, id and content, received later: a duplicate', ['id-1', 'ana', 'purchase', 19.9, 1_000, 9_000], { stored: 0, conflicts: [] }],
    ['same user and id, another event name: a conflict', ['id-1', 'ana', 'refund', 19.9, 1_000, 2_000], { stored: 0, conflicts: [0] }],
    ['same user and id, another value: a conflict', ['id-1', 'ana', 'purchase', 20, 1_000, 2_000], { stored: 0, conflicts: [0] }],
    ['same user and id, no value instead of one: a conflict', ['id-1', 'ana', 'purchase', null, 1_000, 2_000], { stored: 0, conflicts: [0] }],
    ['same user and id, another timestamp: a conflict', ['id-1', 'ana', 'purchase', 19.9, 1_001, 2_000], { stored: 0, conflicts: [0] }],
    ['another user, same id: another event', ['id-1', 'bob', 'refund', 1, 5, 6], { stored: 1, conflicts: [] }]
  ])('%s', (_name, repeat, expected) => {
    writeOps.events(client, [first]);
    expect(writeOps.events(client, [repeat])).toEqual(expected);
    expect((stored() as EventRow[]).find((r) => r[1] === 'ana')).toEqual(first); // the first stored version is kept
  });

  it('inside one batch the first item of a (user, id) wins; a later one with other content is a conflict, one with the same content a duplicate', () => {
    const other: EventRow = ['id-1', 'ana', 'purchase', 5, 1_000, 2_000];
    expect(writeOps.events(client, [first, other, first, ['id-1', 'bob', 'purchase', 5, 1_000, 2_000]])).toEqual({ stored: 2, conflicts: [1] });
  });
});

describe('queueWrite: how each write is committed', () => {
  const event = (i: number, userId: string | null = 'u'): EventRow => [`q-${i}`, userId as string, 'activation', null, 1, 2];
  const count = (sql: string) => client.prepare(sql).pluck().get() as number;

  it.each([
    ['101 events fail on the last row: the first statement of 100 is undone too', 101, 100],
    ['250 events fail in the third statement: the first two are undone', 250, 249]
  ])('%s', async (_name, size, badIndex) => {
    const gc = new GroupCommit(client);
    const rows = Array.from({ length: size }, (_, i) => event(i, i === badIndex ? null : 'u'));
    const other = queueWrite(gc, client, 'events', [event(9999)]);
    await expect(queueWrite(gc, client, 'events', rows)).rejects.toThrow(/NOT NULL constraint failed: events.user_id/);
    await expect(other).resolves.toEqual({ stored: 1, conflicts: [] });
    expect(count('select count(*) from events')).toBe(1);
  });

  it('100 events are one statement: a failing one stores none of them, the other job of the commit is kept', async () => {
    const gc = new GroupCommit(client);
    const rows = Array.from({ length: 100 }, (_, i) => event(i, i === 99 ? null : 'u'));
    const results = await Promise.allSettled([queueWrite(gc, client, 'events', rows), queueWrite(gc, client, 'events', [event(500)])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(count('select count(*) from events')).toBe(1);
    expect(gc.stats).toEqual({ commits: 1, jobs: 2 });
  });

  it('two assignments of which the second fails (no such experiment): neither is stored', async () => {
    const gc = new GroupCommit(client);
    const at = { atMs: 5, attributesJson: '{}', variant: 'a' };
    const both = queueWrite(gc, client, 'assignments', [{ ...at, experimentId, userId: 'first' }, { ...at, experimentId: 999_999, userId: 'second' }]);
    await expect(both).rejects.toThrow(/FOREIGN KEY constraint failed/);
    expect(count('select count(*) from exposures')).toBe(0);
  });

  it('exposures whose second item fails (no such experiment): neither is stored', async () => {
    const gc = new GroupCommit(client);
    const both = queueWrite(gc, client, 'exposures', [item(0, 'first', { hashVariant: 'a' }), item(1, 'second', { hashVariant: 'a', experimentId: 999_999 })]);
    await expect(both).rejects.toThrow(/FOREIGN KEY constraint failed/);
    expect(count('select count(*) from exposures')).toBe(0);
  });

  it('resolves with the op\'s own result', async () => {
    const gc = new GroupCommit(client);
    const at = { experimentId, atMs: 5, attributesJson: '{}' };
    const [events, assigned, exposed] = await Promise.all([
      queueWrite(gc, client, 'events', [event(1), event(1), event(2)]),
      queueWrite(gc, client, 'assignments', [{ ...at, userId: 'r1', variant: 'b' }]),
      queueWrite(gc, client, 'exposures', [item(0, 'r1', { hashVariant: 'a' })])
    ]);
    expect(events).toEqual({ stored: 2, conflicts: [] });
    expect(assigned).toEqual([{ variant: 'b', count: 1 }]);
    expect(exposed).toEqual({ accepted: 0, duplicates: 1, rejected: [] }); // the assignment in the same commit recorded 'b' first
    expect(gc.stats).toEqual({ commits: 1, jobs: 3 });
  });
});
