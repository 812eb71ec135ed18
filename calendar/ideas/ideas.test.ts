/** Moving an idea into a week: only weeks of the plan that are not over. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import { createIdea, moveIdeaToWeek } from './index.ts';

// The starter plan starts Monday 30 Nov 2026; today is Wednesday 16 Dec, in week 3 (14-20 Dec).
const today = new Date(2026, 11, 16, 10).getTime();
let data: Data;
useSeededDatabase(new Date(2026, 10, 25, 10).getTime(), (_db, fresh) => { data = fresh; });

describe('moveIdeaToWeek', () => {
  const ctx = { actor: 'ana', nowMs: today };
  const idea = async () => (await createIdea(data, { title: 'Exit-intent survey', channel: 'web' }, ctx)).id;

  // [name, week, error or the week it lands in]
  it.each<[string, number, RegExp | null]>([
    ['a week that is over', 2, /week 2 of .+ is over \(it ended 2026-12-13\); choose the current week or a later one/],
    ['the first week', 1, /is over/],
    ['the current week', 3, null],
    ['a later week', 12, null],
    ['a week the plan does not have', 13, /week must be between 1 and 12, got 13/],
    ['week 0', 0, /week must be between 1 and 12, got 0/]
  ])('%s', async (_name, week, error) => {
    const id = await idea();
    const moving = moveIdeaToWeek(data, id, { planId: 1, week }, ctx);
    if (error) {
      const err = await moving.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(week >= 1 && week <= 12 ? ConflictError : InvalidInputError);
      expect((err as Error).message).toMatch(error);
      expect((await data.ideas.byId(id))!.status).toBe('open');
    } else {
      const { key } = await moving;
      expect((await data.experiments.byKey(key))!.week).toBe(week);
    }
  });
});
