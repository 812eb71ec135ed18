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

describe('plainMessage, every kind of issue', () => {
  const issueOf = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error!.issues[0]!;
  // [name, schema, value, message]
  it.each<[string, z.ZodType, unknown, string]>([
    ['a list too long', z.array(z.string()).max(2), ['a', 'b', 'c'], 'can have at most 2'],
    ['a list too short', z.array(z.string()).min(2), ['a'], 'needs at least 2'],
    ['a list of at least one, empty', z.array(z.string()).nonempty(), [], 'choose at least one'],
    ['a number below an exclusive bound', z.number().gt(5), 5, 'must be above 5'],
    ['a number at most, inclusive', z.number().lte(5), 6, 'must be at most 5'],
    ['not a whole number', z.number().int(), 1.5, 'must be a number'],
    ['text expected', z.object({ a: z.string() }), { a: 5 }, 'must be text'],
    ['a yes/no expected', z.object({ a: z.boolean() }), { a: 5 }, 'must be a boolean'],
    ['a number expected, text given', z.object({ a: z.number() }), { a: 'x' }, 'must be a number'],
    ['a missing number', z.object({ a: z.number() }), {}, 'must be a number'],
    ['none of a union', z.union([z.string(), z.number()]), true, 'is not one of the allowed values'],
    ['not the literal', z.literal('a'), 'b', 'is not one of the allowed values'],
    ['a field the form does not know', z.object({ a: z.string() }).strict(), { a: 'x', b: 1 }, 'has fields this form does not know'],
    ['a pattern without its own message', z.string().regex(/^x$/), 'y', 'is not valid'],
    ['a multiple', z.number().multipleOf(2), 3, 'is not valid'],
    ['a schema message that only contains a zod word', z.string().regex(/^x$/, 'keys are Invalid unless they start with x'), 'y', 'keys are Invalid unless they start with x']
  ])('%s', (_name, schema, value, message) => {
    expect(plainMessage(issueOf(schema, value))).toBe(message);
  });

  // [name, issue, message]: zod's default texts, each of the words it starts with
  it.each<[string, Parameters<typeof plainMessage>[0], string]>([
    ['"Too big"', { code: 'too_big', origin: 'string', maximum: 5, path: [], message: 'Too big: expected string to have <=5 characters' }, 'must be at most 5 characters'],
    ['"Too small"', { code: 'too_small', origin: 'number', minimum: 2, path: [], message: 'Too small: expected number to be >=2' }, 'must be at least 2'],
    ['"Required"', { code: 'invalid_type', expected: 'string', path: [], message: 'Required' }, 'must be text'],
    ['"Expected"', { code: 'invalid_type', expected: 'string', path: [], message: 'Expected string, received undefined' }, 'is missing'],
    ['a list of the wrong type', { code: 'invalid_type', expected: 'array', path: [], message: 'Invalid input: expected array, received string' }, 'must be a list'],
    ['a group of the wrong type', { code: 'invalid_type', expected: 'object', path: [], message: 'Invalid input: expected object, received string' }, 'must be a group of fields'],
    ['a yes/no of the wrong type', { code: 'invalid_type', expected: 'boolean', path: [], message: 'Invalid input: expected boolean, received string' }, 'must be a boolean'],
    ['"Unrecognized"', { code: 'unrecognized_keys', path: [], message: 'Unrecognized key: "b"' }, 'has fields this form does not know'],
    ['a literal code', { code: 'invalid_literal', path: [], message: 'Invalid literal value, expected "a"' }, 'is not one of the allowed values'],
    ['"Invalid" with an enum code', { code: 'invalid_enum_value', path: [], message: 'Invalid enum value' }, 'is not one of the allowed values'],
    ['a big integer bound', { code: 'too_big', origin: 'bigint', maximum: 3n, path: [], message: 'Too big: expected bigint to be <=3' }, 'must be at most 3'],
    ['an own message is never rewritten', { code: 'too_big', origin: 'number', maximum: 3, path: [], message: 'at most three, please' }, 'at most three, please']
  ])('%s', (_name, issue, message) => {
    expect(plainMessage(issue)).toBe(message);
  });
});

describe('pathLabel and plainIssues, the other paths', () => {
  it.each<[string, PropertyKey[], string]>([
    ['an asset', ['assets', 1], 'asset 2'],
    ['a list name without an index', ['variants'], 'variants'],
    ['a list name followed by a name', ['variants', 'key'], 'variants: key'],
    ['a named map without an entry', ['dailyTraffic'], 'daily traffic'],
    ['a named map entry that is a number', ['dailyTraffic', 3], 'daily traffic for 3'],
    ['digits before a capital', ['day7Retention'], 'day7 retention'],
    ['a number at the root', [0, 'key'], 'item 1: key']
  ])('%s', (_name, path, label) => {
    expect(pathLabel(path)).toBe(label);
  });

  it('an issue of the whole input is labelled "input"', () => {
    expect(plainIssues([{ code: 'custom', path: [], message: 'send at least one field' }, { code: 'custom', path: ['name'], message: 'taken' }]))
      .toBe('input: send at least one field; name: taken');
  });
});
