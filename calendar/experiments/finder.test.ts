/** The experiments page: which experiments a filter keeps, and each with its plan and recorded decision. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { findExperiments, matchesFilter, type ExperimentFilter, type ExperimentListItem } from './finder.ts';

const item: ExperimentListItem = {
  key: 'w02-email-subject-line', name: 'Email subject line', status: 'running', exploratory: false, planId: 1, planName: 'Starter 90 days',
  week: 2, channels: ['email', 'in-app'], owner: 'Rita', audience: 'New users', startDate: '2026-12-07', endDate: '2026-12-16', decision: null
};

describe('matchesFilter', () => {
  // [name, filter, kept]
  it.each<[string, ExperimentFilter, boolean]>([
    ['no filter', {}, true],
    ['status matches', { status: 'running' }, true],
    ['status differs', { status: 'draft' }, false],
    ['plan matches', { planId: 1 }, true],
    ['plan differs', { planId: 2 }, false],
    ['one of its channels', { channel: 'in-app' }, true],
    ['a channel it does not use', { channel: 'push' }, false],
    ['owner in other case', { owner: 'rita' }, true],
    ['another owner', { owner: 'Ana' }, false],
    ['text in the name', { q: 'SUBJECT' }, true],
    ['text in the key', { q: 'w02' }, true],
    ['text in the audience', { q: 'new users' }, true],
    ['text in a channel', { q: 'email' }, true],
    ['text in the plan name', { q: 'starter' }, true],
    ['text nowhere', { q: 'pricing' }, false],
    ['blank text does not filter', { q: '   ' }, true],
    ['all must hold', { status: 'running', channel: 'push' }, false]
  ])('%s', (_name, filter, kept) => {
    expect(matchesFilter(item, filter)).toBe(kept);
  });
});

describe('findExperiments', () => {
  const nowMs = new Date(2026, 10, 25, 10).getTime();
  let data: Data;
  useSeededDatabase(nowMs, (_db, fresh) => { data = fresh; });

  it('lists every experiment by week with its plan, the owners to filter by, and the recorded decision', async () => {
    const w03 = (await data.experiments.byKey('w03-landing-testimonials'))!;
    await data.decisions.insert({ experimentId: w03.id, computedDecision: 'inconclusive', finalDecision: 'ship', winningVariantKey: 'social', rationale: 'r', decidedBy: 'Rita', decidedAtMs: nowMs });
    const all = await findExperiments(data);
    expect(all.total).toBe(12);
    expect(all.items.map((e) => e.week)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(all.plans).toHaveLength(1);
    expect(all.items[0]!.planName).toBe(all.plans[0]!.name);
    expect(all.items[2]!.decision).toEqual({ final: 'ship', computed: 'inconclusive', winningVariantKey: 'social', decidedBy: 'Rita' });
    expect(all.items[0]!.decision).toBeNull();
    expect([...all.owners].sort()).toEqual(all.owners);

    const email = await findExperiments(data, { channel: 'email', status: 'scheduled' });
    expect(email.total).toBe(12);
    expect(email.items.every((e) => e.channels.includes('email') && e.status === 'scheduled')).toBe(true);
  });
});
