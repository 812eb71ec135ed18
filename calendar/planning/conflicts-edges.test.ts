/** findConflicts in full: which pairs, and the overlap window, channels and audience reported. */
import { describe, expect, it } from 'vitest';
import { findConflicts, type Conflict, type Schedulable } from './conflicts.ts';

const e = (key: string, start: string | null, end: string | null, extra: Partial<Schedulable> = {}): Schedulable => ({
  key, name: key.toUpperCase(), status: 'scheduled', channels: ['email'], audience: null, startDate: start, endDate: end, layerId: null, ...extra
});

describe('findConflicts reports the overlap', () => {
  // [name, experiments, conflicts]
  it.each<[string, Schedulable[], Array<Omit<Conflict, 'names'>>]>([
    ['the later start and the earlier end bound the window',
      [e('a', '2026-12-01', '2026-12-14'), e('b', '2026-12-07', '2026-12-20')],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'everyone', from: '2026-12-07', to: '2026-12-14' }]],
    ['the same, listed the other way round',
      [e('b', '2026-12-07', '2026-12-20'), e('a', '2026-12-01', '2026-12-14')],
      [{ keys: ['b', 'a'], channels: ['email'], audience: 'everyone', from: '2026-12-07', to: '2026-12-14' }]],
    ['one inside the other',
      [e('a', '2026-12-01', '2026-12-31'), e('b', '2026-12-10', '2026-12-12')],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'everyone', from: '2026-12-10', to: '2026-12-12' }]],
    ['sharing a single day',
      [e('a', '2026-12-01', '2026-12-07'), e('b', '2026-12-07', '2026-12-14')],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'everyone', from: '2026-12-07', to: '2026-12-07' }]],
    ['only the shared channels are listed',
      [e('a', '2026-12-01', '2026-12-14', { channels: ['email', 'push', 'sms'] }), e('b', '2026-12-01', '2026-12-14', { channels: ['sms', 'email'] })],
      [{ keys: ['a', 'b'], channels: ['email', 'sms'], audience: 'everyone', from: '2026-12-01', to: '2026-12-14' }]],
    ['the first audience named is reported',
      [e('a', '2026-12-01', '2026-12-14', { audience: 'new users' }), e('b', '2026-12-01', '2026-12-14', { audience: 'New Users ' })],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'new users', from: '2026-12-01', to: '2026-12-14' }]],
    ['everyone against an audience reports the audience',
      [e('a', '2026-12-01', '2026-12-14'), e('b', '2026-12-01', '2026-12-14', { audience: 'lapsed' })],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'lapsed', from: '2026-12-01', to: '2026-12-14' }]],
    ['a blank audience is everyone',
      [e('a', '2026-12-01', '2026-12-14', { audience: 'lapsed' }), e('b', '2026-12-01', '2026-12-14', { audience: '  ' })],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'lapsed', from: '2026-12-01', to: '2026-12-14' }]],
    ['drafts and running experiments hold their dates',
      [e('a', '2026-12-01', '2026-12-14', { status: 'draft' }), e('b', '2026-12-01', '2026-12-14', { status: 'running' })],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'everyone', from: '2026-12-01', to: '2026-12-14' }]],
    ['different layers do not separate', [e('a', '2026-12-01', '2026-12-14', { layerId: 1 }), e('b', '2026-12-01', '2026-12-14', { layerId: 2 })],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'everyone', from: '2026-12-01', to: '2026-12-14' }]],
    ['one in a layer, the other not', [e('a', '2026-12-01', '2026-12-14', { layerId: 1 }), e('b', '2026-12-01', '2026-12-14')],
      [{ keys: ['a', 'b'], channels: ['email'], audience: 'everyone', from: '2026-12-01', to: '2026-12-14' }]],
    ['three at once give three pairs, in list order',
      [e('a', '2026-12-01', '2026-12-14'), e('b', '2026-12-01', '2026-12-14'), e('c', '2026-12-01', '2026-12-14')],
      [['a', 'b'], ['a', 'c'], ['b', 'c']].map(([x, y]) => ({ keys: [x!, y!] as [string, string], channels: ['email'], audience: 'everyone', from: '2026-12-01', to: '2026-12-14' }))],
  ])('%s', (_name, list, expected) => {
    // Each conflict also names both experiments, as the planner reads them (here the key in capitals).
    expect(findConflicts(list)).toEqual(expected.map((c) => ({ ...c, names: c.keys.map((k) => k.toUpperCase()) })));
  });
});

describe('findConflicts leaves out', () => {
  it.each<[string, Schedulable[]]>([
    ['different audiences, whatever the case', [e('a', '2026-12-01', '2026-12-14', { audience: 'New' }), e('b', '2026-12-01', '2026-12-14', { audience: 'returning' })]],
    ['a, then b starting the day after a ends', [e('a', '2026-12-01', '2026-12-06'), e('b', '2026-12-07', '2026-12-14')]],
    ['b, then a starting the day after b ends', [e('a', '2026-12-07', '2026-12-14'), e('b', '2026-12-01', '2026-12-06')]],
    ['no start date', [e('a', null, '2026-12-14'), e('b', '2026-12-01', '2026-12-14')]],
    ['no end date', [e('a', '2026-12-01', null), e('b', '2026-12-01', '2026-12-14')]],
    ['a concluded experiment', [e('a', '2026-12-01', '2026-12-14', { status: 'concluded' }), e('b', '2026-12-01', '2026-12-14')]],
    ['a promoted experiment', [e('a', '2026-12-01', '2026-12-14'), e('b', '2026-12-01', '2026-12-14', { status: 'promoted' })]],
    ['no shared channel', [e('a', '2026-12-01', '2026-12-14', { channels: ['push'] }), e('b', '2026-12-01', '2026-12-14', { channels: ['email', 'sms'] })]],
    ['one experiment alone', [e('a', '2026-12-01', '2026-12-14')]],
  ])('%s', (_name, list) => {
    expect(findConflicts(list)).toEqual([]);
  });
});
