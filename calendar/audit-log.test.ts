/** The audit pages read each line in words: the action as a verb, the details without JSON. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../db/store/index.ts';
import { useSeededDatabase } from '../tests/helpers/seeded-database.ts';
import { auditDetailText, auditLog, auditVerb } from './audit-log.ts';
import { transition } from './lifecycle/index.ts';

describe('auditVerb', () => {
  it.each([
    ['experiment.start', 'started'], ['experiment.stop', 'stopped'], ['layer.delete', 'removed the layer'],
    ['key.rotate-all', 'key rotate all']
  ])('%s → %s', (action, verb) => {
    expect(auditVerb(action)).toBe(verb);
  });
});

describe('auditDetailText', () => {
  // [name, details, text]
  it.each<[string, Record<string, unknown>, string]>([
    ['a move with a date change', { from: 'draft', to: 'running', startDate: { from: '2026-12-07', to: '2026-12-02' } }, 'draft → running; start date 2026-12-07 → 2026-12-02'],
    ['a slice change', { layer: 'email', from: [0, 0.5], to: [0, 0.4] }, '0, 0.5 → 0, 0.4; layer: email'],
    ['lists, booleans and nested objects', { fields: ['name', 'week'], confirmed: false, patch: { name: 'x' } }, 'fields: name, week; confirmed: false; patch: name x'],
    ['nothing', {}, ''],
    ['empty values read as a dash', { reason: null, list: [] }, 'reason: —; list: —'],
    ['only a from is a plain field', { from: 'x' }, 'from: x'],
    ['nested changes list only what changed', { changed: { name: { from: 'A', to: 'B' }, kind: { from: 'binomial', to: 'binomial' } } }, 'changed: name A → B'],
    ['an unchanged pair is left out', { week: { from: 3, to: 3 }, status: 'draft' }, 'status: draft']
  ])('%s', (_name, details, text) => {
    expect(auditDetailText(details)).toBe(text);
  });
});

describe('auditLog', () => {
  const nowMs = new Date(2026, 10, 25, 10).getTime();
  let data: Data;
  useSeededDatabase(nowMs, (_db, fresh) => { data = fresh; });

  it('of one experiment, newest first, in words; overall with a limit', async () => {
    const key = 'w01-onboarding-ebook-reminder';
    await transition(data, key, 'start', { actor: 'ana', nowMs: nowMs + 1000 });
    await transition(data, key, 'stop', { actor: 'ana', nowMs: nowMs + 2000 });
    const lines = await auditLog(data, { entityType: 'experiment', entityId: key });
    expect(lines.slice(0, 2).map((l) => [l.what, l.detailText])).toEqual([['stopped', 'running → stopped'], ['started', 'scheduled → running; start date 2026-11-30 → 2026-11-25']]);
    expect(lines.every((l) => l.entityId === key)).toBe(true);
    expect(await auditLog(data, { limit: 3 })).toHaveLength(3);
  });
});
