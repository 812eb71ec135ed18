import { describe, expect, it } from 'vitest';
import { isActionFailure } from '@sveltejs/kit';
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from '$calendar/errors.ts';
import { attempt, field, numberField, UI_ACTOR, uiContext } from './actions.ts';

function formOf(entries: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(entries)) form.append(name, value);
  return form;
}

describe('attempt', () => {
  it('returns what the domain call returns', () => {
    expect(attempt(() => ({ key: 'w01' }))).toEqual({ key: 'w01' });
  });

  it.each<[string, number, DomainError]>([
    ['not found', 404, new NotFoundError('experiment', 'nope')],
    ['a conflict', 409, new ConflictError('already running')],
    ['invalid input', 400, new InvalidInputError('week must be between 1 and 12, got 13')],
    ['any other domain error', 400, new DomainError('forbidden', 'not allowed')]
  ])('%s becomes fail(%i) with the message', (_name, status, err) => {
    const result = attempt(() => { throw err; });
    expect(isActionFailure(result)).toBe(true);
    expect(result).toMatchObject({ status, data: { error: err.message } });
  });

  it('rethrows anything that is not a domain error', () => {
    const bug = new TypeError('x is undefined');
    expect(() => attempt(() => { throw bug; })).toThrow(bug);
  });
});

describe('field', () => {
  it.each<[string, string | undefined]>([
    ['  Ana ', 'Ana'], ['x', 'x'], ['', undefined], ['   ', undefined]
  ])('%j -> %j', (value, expected) => {
    expect(field(formOf({ owner: value }), 'owner')).toBe(expected);
  });

  it('a missing field or a file is undefined', () => {
    expect(field(new FormData(), 'owner')).toBeUndefined();
    const form = new FormData();
    form.append('owner', new Blob(['Ana']), 'owner.txt');
    expect(field(form, 'owner')).toBeUndefined();
  });
});

describe('numberField', () => {
  it.each<[string, number, number | undefined]>([
    ['12', 1, 12], [' 7.5 ', 1, 7.5], ['7,5', 1, 7.5], ['20', 100, 0.2], ['-3', 1, -3],
    ['', 1, undefined], ['abc', 1, undefined], ['Infinity', 1, undefined], ['1/2', 1, undefined]
  ])('%j with scale %i -> %j', (value, scale, expected) => {
    expect(numberField(formOf({ n: value }), 'n', scale)).toBe(expected);
  });

  it('a missing field is undefined', () => {
    expect(numberField(new FormData(), 'n')).toBeUndefined();
  });
});

describe('uiContext', () => {
  it('acts as the UI planner at the server clock', async () => {
    const { now } = await import('$calendar/clock.ts');
    const before = now();
    const ctx = uiContext();
    const after = now();
    expect(ctx.actor).toBe(UI_ACTOR);
    expect(UI_ACTOR).toBe('ui:planner');
    expect(ctx.nowMs).toBeGreaterThanOrEqual(before);
    expect(ctx.nowMs).toBeLessThanOrEqual(after);
  });
});
