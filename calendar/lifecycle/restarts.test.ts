/** Safeguards of starting: what a start does to the dates (said before it happens) and restarts that need a reason. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { restartExperiment } from '../experiments/index.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import { transition } from './index.ts';
import { restartsOf } from './restarts.ts';
import { startDateChange } from './transitions.ts';

describe('startDateChange: a start today keeps the planned dates or says how it moves them', () => {
  const e = (status: string, startDate: string | null, durationDays = 14) => ({ status, startDate, durationDays }) as Parameters<typeof startDateChange>[0];
  // [name, experiment, today, change]
  it.each<[string, ReturnType<typeof e>, string, ReturnType<typeof startDateChange>]>([
    ['planned for today: no change', e('scheduled', '2026-12-07'), '2026-12-07', null],
    ['planned in the past, window still open: no change', e('scheduled', '2026-12-01'), '2026-12-07', null],
    ['planned later: moves to today', e('scheduled', '2026-12-14'), '2026-12-07', { from: '2026-12-14', to: '2026-12-07', endDate: '2026-12-20' }],
    ['no date yet: starts today', e('draft', null, 7), '2026-12-07', { from: null, to: '2026-12-07', endDate: '2026-12-13' }],
    ['the whole window has passed: starts today', e('draft', '2026-11-01'), '2026-12-07', { from: '2026-11-01', to: '2026-12-07', endDate: '2026-12-20' }],
    ['a stopped run keeps its start', e('stopped', '2026-12-01'), '2026-12-07', null]
  ])('%s', (_name, experiment, today, change) => {
    expect(startDateChange(experiment, today)).toEqual(change);
  });
});

describe('restarting a stopped test', () => {
  const day = (d: number) => new Date(2026, 11, d, 10).getTime();
  let data: Data;
  useSeededDatabase(new Date(2026, 10, 25, 10).getTime(), (_db, fresh) => { data = fresh; });
  const key = 'w01-onboarding-ebook-reminder';

  it('needs a reason; the start is logged with it and restartsOf lists it for the report', async () => {
    await transition(data, key, 'start', { actor: 'ana', nowMs: day(1) });
    await transition(data, key, 'stop', { actor: 'ana', nowMs: day(3) });
    await expect(restartExperiment(data, key, '  ', { actor: 'ana', nowMs: day(4) })).rejects.toThrow(InvalidInputError);
    await expect(restartExperiment(data, key, 'oops', { actor: 'ana', nowMs: day(4) })).rejects.toThrow(/at least 5 characters/);
    expect((await data.experiments.byKey(key))!.status).toBe('stopped');
    expect(await restartsOf(data, key)).toEqual([]);

    await restartExperiment(data, key, ' the e-book link was broken ', { actor: 'ben', nowMs: day(4) });
    expect((await data.experiments.byKey(key))!.status).toBe('running');
    expect(await restartsOf(data, key)).toEqual([{ atMs: day(4), actor: 'ben', reason: 'the e-book link was broken' }]);
  });

  it('a restart through another path (no reason) is still listed; the first start is not a restart', async () => {
    await transition(data, key, 'start', { actor: 'ana', nowMs: day(1) });
    await transition(data, key, 'stop', { actor: 'ana', nowMs: day(2) });
    await transition(data, key, 'start', { actor: 'key:ci', nowMs: day(3) });
    expect(await restartsOf(data, key)).toEqual([{ atMs: day(3), actor: 'key:ci', reason: null }]);
  });

  it('only a stopped test restarts', async () => {
    await expect(restartExperiment(data, key, 'a good reason', { actor: 'ana', nowMs: day(1) })).rejects.toThrow(ConflictError);
  });
});
