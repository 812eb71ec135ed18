/** The timeline draws a run stopped early up to the day it stopped, and names experiments in conflicts. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { transition } from '../lifecycle/index.ts';
import { getPlanTimeline, stoppedDateOf } from './timeline.ts';

const at = (iso: string) => new Date(`${iso}T12:00`).getTime();

describe('stoppedDateOf', () => {
  const e = (status: string, stoppedOn: string | null, startDate: string | null = '2026-12-07', durationDays = 14) =>
    ({ status, stoppedAtMs: stoppedOn ? at(stoppedOn) : null, startDate, durationDays }) as Parameters<typeof stoppedDateOf>[0];
  // [name, experiment, stopped date]
  it.each<[string, ReturnType<typeof e>, string | null]>([
    ['stopped on day 3 of 14', e('stopped', '2026-12-09'), '2026-12-09'],
    ['concluded after an early stop', e('concluded', '2026-12-09'), '2026-12-09'],
    ['promoted after an early stop', e('promoted', '2026-12-09'), '2026-12-09'],
    ['stopped on its last day: the planned end', e('stopped', '2026-12-20'), null],
    ['stopped by the scheduler after its end', e('stopped', '2026-12-21'), null],
    ['running again after a restart', e('running', '2026-12-09'), null],
    ['never stopped', e('concluded', null), null],
    ['no start date', e('stopped', '2026-12-09', null), null],
    ['stopped before its (moved) start: its first day', e('stopped', '2026-12-05'), '2026-12-07']
  ])('%s', (_name, experiment, expected) => {
    expect(stoppedDateOf(experiment)).toBe(expected);
  });
});

describe('the plan timeline', () => {
  let data: Data;
  useSeededDatabase(at('2026-11-25'), (_db, fresh) => { data = fresh; });

  it('gives a run stopped early its stop day', async () => {
    await transition(data, 'w01-onboarding-ebook-reminder', 'start', { actor: 'ana', nowMs: at('2026-11-30') });
    await transition(data, 'w01-onboarding-ebook-reminder', 'stop', { actor: 'ana', nowMs: at('2026-12-03') });
    const timeline = await getPlanTimeline(data, 1, at('2026-12-03'));
    const w01 = timeline.experiments.find((e) => e.key === 'w01-onboarding-ebook-reminder')!;
    expect(w01).toMatchObject({ status: 'stopped', startDate: '2026-11-30', endDate: '2026-12-13', stoppedDate: '2026-12-03' });
    expect(timeline.experiments.find((e) => e.week === 2)!.stoppedDate).toBeNull();
  });

  it('names both experiments of a conflict', async () => {
    const w02 = (await data.experiments.byKey('w02-email-subject-line'))!;
    await data.experiments.update(w02.id, { layerId: null, layerStart: null, layerEnd: null });
    const [conflict] = (await getPlanTimeline(data, 1, at('2026-11-25'))).conflicts;
    expect(conflict).toMatchObject({ keys: ['w01-onboarding-ebook-reminder', 'w02-email-subject-line'], names: [expect.any(String), w02.name] });
    expect(conflict!.names[0]).not.toMatch(/^w01-/);
  });
});
