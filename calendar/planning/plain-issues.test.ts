/** Zod issues in the planner's words: labels instead of paths, sentences instead of zod's default texts. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pathLabel, plainIssues, plainMessage } from './plain-issues.ts';
import { parseInput } from './parse.ts';
import { planInput } from '../plans/input.ts';
import { plannedExperimentInput } from './experiment-input.ts';

describe('pathLabel', () => {
  // [name, path, label]
  it.each<[string, PropertyKey[], string]>([
    ['a camelCase field', ['startDate'], 'start date'],
    ['a list item counts from 1', ['variants', 0, 'key'], 'variant 1: key'],
    ['a criterion', ['successCriteria', 2, 'minRelativeLift'], 'success criterion 3: min relative lift'],
    ['a named map entry', ['dailyTraffic', 'new users'], 'daily traffic for new users'],
    ['an unknown list', ['tags', 1], 'tags: item 2'],
    ['the root', [], '']
  ])('%s', (_name, path, label) => {
    expect(pathLabel(path)).toBe(label);
  });
});

describe('plainMessage', () => {
  const issueOf = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error!.issues[0]!;
  // [name, schema, value, message]
  it.each<[string, z.ZodType, unknown, string]>([
    ['a number too big', z.number().max(13), 14, 'must be at most 13'],
    ['a number too small', z.number().min(1), 0, 'must be at least 1'],
    ['a number not above a bound', z.number().positive(), 0, 'must be above 0'],
    ['an empty text', z.string().min(1), '', 'must not be empty'],
    ['a text too long', z.string().max(3), 'abcd', 'must be at most 3 characters'],
    ['a text too short', z.string().min(3), 'ab', 'must be at least 3 characters'],
    ['not a number', z.number(), Number.NaN, 'must be a number'],
    ['a missing field', z.object({ a: z.string() }), {}, 'is missing'],
    ['an enum', z.enum(['a', 'b']), 'c', 'is not one of the allowed values'],
    ['an empty list', z.array(z.string()).min(1), [], 'choose at least one'],
    ["the schema's own message is kept", z.string().regex(/^x$/, 'keys start with x'), 'y', 'keys start with x']
  ])('%s', (_name, schema, value, message) => {
    expect(plainMessage(issueOf(schema, value))).toBe(message);
  });
});

describe('parseInput speaks plainly (no zod paths, no zod texts)', () => {
  // [name, schema, input, message]
  it.each<[string, z.ZodType, unknown, string]>([
    ['a plan year before 2000', planInput, { name: 'Q1', startDate: '1999-01-04' }, 'start date: the year must be between 2000 and 2100'],
    ['a plan year after 2100', planInput, { name: 'Q1', startDate: '2101-01-03' }, 'start date: the year must be between 2000 and 2100'],
    ['a plan of 14 weeks', planInput, { name: 'Q1', startDate: '2027-03-01', weeks: 14 }, 'weeks: a plan has 12 or 13 weeks (about 90 days)'],
    ['traffic that is not a number', planInput, { name: 'Q1', startDate: '2027-03-01', dailyTraffic: { email: Number.NaN } }, 'daily traffic for email: must be a number'],
    ['week 14 of an experiment', plannedExperimentInput,
      { name: 'x', week: 14, channels: ['web'], durationDays: 7, variants: [{ key: 'a', name: 'A', weight: 1 }, { key: 'b', name: 'B', weight: 1 }] }, 'week: must be at most 13'],
    ['week 0 of an experiment', plannedExperimentInput,
      { name: 'x', week: 0, channels: ['web'], durationDays: 7, variants: [{ key: 'a', name: 'A', weight: 1 }, { key: 'b', name: 'B', weight: 1 }] }, 'week: must be at least 1'],
    ['a variant without a name', plannedExperimentInput,
      { name: 'x', week: 1, channels: ['web'], durationDays: 7, variants: [{ key: 'a', name: '', weight: 1 }, { key: 'b', name: 'B', weight: 1 }] }, 'variant 1: name: must not be empty']
  ])('%s', (_name, schema, input, message) => {
    expect(() => parseInput(schema, input)).toThrow(message);
    const thrown = (() => { try { parseInput(schema, input); } catch (err) { return (err as Error).message; } return ''; })();
    expect(thrown).not.toMatch(/Too (big|small)|Invalid input|expected \w+, received|\.\d+\./);
  });

  it('joins several issues with semicolons', () => {
    expect(plainIssues([
      { code: 'too_big', maximum: 13, origin: 'number', path: ['week'], message: 'Too big: expected number to be <=13' },
      { code: 'custom', path: ['channels'], message: 'choose at least one channel' }
    ])).toBe('week: must be at most 13; channels: choose at least one channel');
  });

  it('keeps a good plan date of 2000 and 2100 (the bounds are allowed)', () => {
    expect(parseInput(planInput, { name: 'Q1', startDate: '2000-01-03' }).startDate).toBe('2000-01-03');
    expect(parseInput(planInput, { name: 'Q1', startDate: '2100-01-04' }).startDate).toBe('2100-01-04');
  });
});
