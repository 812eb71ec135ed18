// recordExposures and recordEvents item by item, on a fresh app over a real database per test:
// the exact reason of each rejected item, the order of the rejections, and what is stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import { evaluateExperiment } from '../assign/evaluate.ts';
import { configsOf, ingestOf } from '../engine/index.ts';
import { recordExposures } from './exposures.ts';
import { recordEvents } from './events.ts';

let t: TestApp;
const admin = async (path: string, body?: unknown, method = 'POST') => {
  const res = await t.authed(path, { method, body });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
};
const DAY = 86_400_000;

beforeEach(async () => {
  t = await createTestApp({ seed: false });
  await admin('/api/v1/experiments', { key: 'run', name: 'Running', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }], forcedVariants: { 'qa-ana': 'treatment' } });
  await admin('/api/v1/experiments/run/start');
  await admin('/api/v1/experiments', { key: 'half', name: 'Half coverage', exploratory: true, coverage: 0.5, variants: [{ key: 'control' }, { key: 'treatment' }] });
  await admin('/api/v1/experiments/half/start');
  await admin('/api/v1/experiments', { key: 'draft', name: 'Draft', variants: [{ key: 'control' }, { key: 'treatment' }] });
});
afterEach(() => t.cleanup());

const hashed = async (key: string, userId: string) => evaluateExperiment((await configsOf(t.deps)).get(key)!, userId, {}, { ignoreTargeting: true });
const stored = async (key: string) => (await t.rows.exposures(key)).map((x) => [x.userId, x.variantKey, x.firstExposedAtMs, JSON.stringify(x.attributes)]);

describe('recordExposures', () => {
  it('says why each item is rejected, in item order, and keeps the good ones', async () => {
    let outside = 'o-0';
    for (let i = 0; (await hashed('half', outside)).inExperiment; i++) outside = `o-${i}`;
    const u1 = (await hashed('run', 'u1')).variant!;
    const wrong = u1 === 'control' ? 'treatment' : 'control';
    const soon = t.clock.nowMs + 2 * 60_000; // ahead of the server, within the clock tolerance
    const result = await recordExposures(t.deps, [
      { experiment: 'run', userId: 'u1', variant: wrong },
      { experiment: 'run', userId: 'u1', attributes: { country: 'TR' }, timestamp: new Date(soon).toISOString() },
      { experiment: 'nope', userId: 'u1' },
      { experiment: 'draft', userId: 'u1' },
      { experiment: 'run', userId: 'qa-ana' },
      { experiment: 'half', userId: outside },
      { experiment: 'run', userId: 'u2', timestamp: new Date(t.clock.nowMs - 401 * DAY).toISOString() },
      { experiment: 'run', userId: 'u2', extra: true },
      { experiment: 'run', userId: 'u3' }
    ]);
    expect(result).toEqual({
      accepted: 2, duplicates: 0, rejected: [
        { index: 0, error: `variant '${wrong}' does not match the user's assignment '${u1}'` },
        { index: 2, error: "experiment 'nope' was not found" },
        { index: 3, error: "experiment 'draft' is draft; only running experiments record exposures" },
        { index: 4, error: "user 'qa-ana' is forced to a variant for QA; forced users are not recorded" },
        { index: 5, error: `user '${outside}' is not in experiment 'half' (coverage)` },
        { index: 6, error: `timestamp: timestamp ${new Date(t.clock.nowMs - 401 * DAY).toISOString()} is more than 400 days from the server's time` },
        { index: 7, error: expect.stringMatching(/^\(item\): .*extra/) }
      ]
    });
    expect(await stored('run')).toEqual([
      ['u1', u1, soon, '{"country":"TR"}'],
      ['u3', (await hashed('run', 'u3')).variant, t.clock.nowMs, '{}']
    ]);
    expect(await stored('half')).toEqual([]);
  });

  it('nothing valid: no write, all rejected', async () => {
    const before = { ...ingestOf(t.deps).stats };
    const result = await recordExposures(t.deps, [{ experiment: 'nope', userId: 'u' }, { userId: 'u' }]);
    expect(result).toEqual({ accepted: 0, duplicates: 0, rejected: [
      { index: 0, error: "experiment 'nope' was not found" },
      { index: 1, error: expect.stringMatching(/^experiment: /) }
    ] });
    expect(ingestOf(t.deps).stats).toEqual(before); // no empty commit
  });

  it('an exposure dated before its experiment started: within the 5-minute clock tolerance it is recorded at the start, beyond it rejected', async () => {
    const startMs = t.clock.nowMs; // 'run' was started at the test clock
    const early = startMs - 6 * 60_000;
    expect(await recordExposures(t.deps, [
      { experiment: 'run', userId: 'skewed', timestamp: startMs - 4 * 60_000 },
      { experiment: 'run', userId: 'early', timestamp: new Date(early).toISOString() },
      { experiment: 'run', userId: 'late', timestamp: startMs + 6 * 60_000 }
    ])).toEqual({ accepted: 1, duplicates: 0, rejected: [
      { index: 1, error: `timestamp: timestamp ${new Date(early).toISOString()} is before experiment 'run' started (${new Date(startMs).toISOString()}), beyond the clock tolerance of 5 minutes` },
      { index: 2, error: `timestamp: timestamp ${new Date(startMs + 6 * 60_000).toISOString()} is more than 5 minutes ahead of the server's time` }
    ] });
    expect(await stored('run')).toEqual([['skewed', (await hashed('run', 'skewed')).variant, startMs, '{}']]);
  });
});

describe('recordExposures in a plan with a program holdout', () => {
  it('a user recorded before QA forced them is counted as a repeat, and is no plan exposure (not in the experiment)', async () => {
    const plan = await (await t.authed('/api/v1/plans', { method: 'POST', body: { name: 'Spring', startDate: '2027-03-01' } })).json();
    await admin(`/api/v1/plans/${plan.id}/holdout`, { share: 0.2, seed: 'spring' }, 'PUT');
    await admin('/api/v1/experiments', { key: 'planned', name: 'Planned', exploratory: true, planId: plan.id, variants: [{ key: 'control' }, { key: 'treatment' }], forcedVariants: { 'qa-bo': 'treatment' } });
    await admin('/api/v1/experiments/planned/start');
    const experimentId = (await configsOf(t.deps)).get('planned')!.id;
    await ingestOf(t.deps).assignments([{ experimentId, userId: 'qa-bo', variant: 'control', atMs: t.clock.nowMs, attributesJson: '{}' }]);
    expect(await recordExposures(t.deps, [{ experiment: 'planned', userId: 'qa-bo' }])).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect(await t.rows.planExposure(plan.id, 'qa-bo')).toBeUndefined();
  });
});

describe('recordExposures and targeting', () => {
  it('targeting is not checked again: the app asked /assign with the attributes before showing the variant', async () => {
    await admin('/api/v1/experiments', { key: 'tr', name: 'TR only', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }], targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }] });
    await admin('/api/v1/experiments/tr/start');
    expect(await recordExposures(t.deps, [{ experiment: 'tr', userId: 'no-attributes' }])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await stored('tr')).toEqual([['no-attributes', (await hashed('tr', 'no-attributes')).variant, t.clock.nowMs, '{}']]);
  });
});

describe('recordEvents', () => {
  const events = async () => (await t.rows.events({})).map((e) => [e.clientEventId, e.userId, e.eventName, e.value, e.timestampMs, e.receivedAtMs]);

  it('stores the valid items with their defaults, rejects the others by index with the reason', async () => {
    const old = t.clock.nowMs - 401 * DAY;
    const result = await recordEvents(t.deps, [
      { userId: 'u1', event: 'purchase', value: 19.9, id: 'e-1', timestamp: 1_795_000_000_000 },
      { userId: 'u1', event: 'activation' },
      { userId: 'u1', event: 'bad name!' },
      { userId: 'u2', event: 'purchase', timestamp: old },
      { userId: 'u2', event: 'purchase', id: 'e-1' }, // ids are per user: another event
      { userId: 'u1', event: 'refund', id: 'e-1' }, // u1's id again for another event: a conflict
      { userId: 'u1', event: 'purchase', value: 19.9, id: 'e-1', timestamp: 1_795_000_000_000 }, // a retry: a duplicate
      { userId: 'u3', event: 'purchase', timestamp: t.clock.nowMs + 3_600_000 },
      { userId: 'u3', event: 'purchase', timestamp: 'Nov 23 2026 09:00' }
    ]);
    expect(result).toEqual({ accepted: 3, duplicates: 1, rejected: [
      { index: 2, error: 'event: must be letters, digits, "_", ".", ":" or "-"' },
      { index: 3, error: `timestamp: timestamp ${new Date(old).toISOString()} is more than 400 days from the server's time` },
      { index: 5, error: "id: event id 'e-1' was already used for a different event of this user" },
      { index: 7, error: `timestamp: timestamp ${new Date(t.clock.nowMs + 3_600_000).toISOString()} is more than 5 minutes ahead of the server's time` },
      { index: 8, error: 'timestamp: must be epoch milliseconds or an RFC 3339 / ISO 8601 date-time with a time zone, e.g. 2026-11-23T09:00:00Z' }
    ] });
    expect(await events()).toEqual([
      ['e-1', 'u1', 'purchase', 19.9, 1_795_000_000_000, t.clock.nowMs],
      [null, 'u1', 'activation', null, t.clock.nowMs, t.clock.nowMs],
      ['e-1', 'u2', 'purchase', null, t.clock.nowMs, t.clock.nowMs]
    ]);
  });

  it('only invalid items: nothing is written', async () => {
    const before = { ...ingestOf(t.deps).stats };
    expect(await recordEvents(t.deps, [{ userId: '', event: 'x' }])).toEqual({ accepted: 0, duplicates: 0, rejected: [{ index: 0, error: expect.stringMatching(/^userId: /) }] });
    expect(await events()).toEqual([]);
    expect(ingestOf(t.deps).stats).toEqual(before); // no empty commit
  });

  it('names the path of each problem, nested paths joined by ".", several problems joined by "; "', async () => {
    const result = await recordEvents(t.deps, [{ userId: '', event: 'bad name!' }, { userId: 'u', event: 'e', extra: 1 }]);
    expect(result.rejected).toEqual([
      { index: 0, error: 'userId: must not be empty; event: must be letters, digits, "_", ".", ":" or "-"' },
      { index: 1, error: expect.stringMatching(/^\(item\): .*"extra"/) }
    ]);
    const exposures = await recordExposures(t.deps, [{ experiment: 'run', userId: 'u', attributes: { tags: [{}] } }]);
    expect(exposures.rejected).toEqual([{ index: 0, error: expect.stringMatching(/^attributes\.tags(\.0)?: /) }]);
  });

  it('an item only the schema takes (an RFC 3339 timestamp) is stored like a plain one', async () => {
    const at = t.clock.nowMs - DAY;
    expect(await recordEvents(t.deps, [
      { userId: 'u', event: 'signup', timestamp: new Date(at).toISOString(), id: 'iso-1' },
      { userId: 'u', event: 'signup', timestamp: at, id: 'ms-1' }
    ])).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await events()).toEqual([['iso-1', 'u', 'signup', null, at, t.clock.nowMs], ['ms-1', 'u', 'signup', null, at, t.clock.nowMs]]);
  });

  it('a retried batch is all duplicates', async () => {
    const batch = [{ userId: 'u', event: 'a', id: 'r-1' }, { userId: 'u', event: 'a', id: 'r-2' }];
    expect(await recordEvents(t.deps, batch)).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await recordEvents(t.deps, batch)).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
  });
});
