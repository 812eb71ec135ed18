// plainEventItem against eventItemSchema: whatever it takes, the schema takes with the same
// result; what it leaves (null), the schema judges. Table-driven, no database.
import { describe, expect, it } from 'vitest';
import { plainEventItem } from './plain-event.ts';
import { eventItemSchema } from './schemas.ts';
import { limits } from '../limits/index.ts';

const inherited = Object.assign(Object.create({ extra: 1 }) as object, { userId: 'u', event: 'e' });

describe('plainEventItem agrees with eventItemSchema', () => {
  // [name, item, taken here (else left to the schema)]
  const cases: Array<[string, unknown, boolean]> = [
    ['user and event only', { userId: 'u1', event: 'purchase' }, true],
    ['every field', { userId: 'u1', event: 'a.b:c-d_e', value: 19.9, timestamp: 1_700_000_000_000, id: 'evt-1' }, true],
    ['value 0 and negative zero', { userId: 'u', event: 'e', value: -0 }, true],
    ['value at the limits', { userId: 'u', event: 'e', value: -limits.eventValueAbs }, true],
    ['value at the upper limit', { userId: 'u', event: 'e', value: limits.eventValueAbs }, true],
    ['value under the lower limit', { userId: 'u', event: 'e', value: -limits.eventValueAbs - 1 }, false],
    ['value over the limit', { userId: 'u', event: 'e', value: limits.eventValueAbs + 1 }, false],
    ['value NaN-like: a string', { userId: 'u', event: 'e', value: '19.9' }, false],
    ['value null', { userId: 'u', event: 'e', value: null }, false],
    ['value Infinity', { userId: 'u', event: 'e', value: Infinity }, false],
    ['user id of 256 characters', { userId: 'x'.repeat(limits.userIdChars), event: 'e' }, true],
    ['user id of 257 characters', { userId: 'x'.repeat(limits.userIdChars + 1), event: 'e' }, false],
    ['empty user id', { userId: '', event: 'e' }, false],
    ['user id a number', { userId: 7, event: 'e' }, false],
    ['no user id', { event: 'e' }, false],
    ['event name of 100 characters', { userId: 'u', event: 'e'.repeat(limits.eventNameChars) }, true],
    ['event name of 101 characters', { userId: 'u', event: 'e'.repeat(limits.eventNameChars + 1) }, false],
    ['event name with a space', { userId: 'u', event: 'sign up' }, false],
    ['event name starting with "_"', { userId: 'u', event: '_e' }, false],
    ['empty event name', { userId: 'u', event: '' }, false],
    ['no event', { userId: 'u' }, false],
    ['timestamp 0', { userId: 'u', event: 'e', timestamp: 0 }, true],
    ['timestamp at the maximum', { userId: 'u', event: 'e', timestamp: limits.timestampMaxMs }, true],
    ['timestamp past the maximum', { userId: 'u', event: 'e', timestamp: limits.timestampMaxMs + 1 }, false],
    ['timestamp with a fraction', { userId: 'u', event: 'e', timestamp: 1.5 }, false],
    ['timestamp negative', { userId: 'u', event: 'e', timestamp: -1 }, false],
    ['timestamp as RFC 3339 text (the schema converts it)', { userId: 'u', event: 'e', timestamp: '2026-11-23T09:00:00Z' }, false],
    ['id of 1 character', { userId: 'u', event: 'e', id: 'i' }, true],
    ['id of 200 characters', { userId: 'u', event: 'e', id: 'i'.repeat(limits.eventIdChars) }, true],
    ['id of 201 characters', { userId: 'u', event: 'e', id: 'i'.repeat(limits.eventIdChars + 1) }, false],
    ['empty id', { userId: 'u', event: 'e', id: '' }, false],
    ['id a number', { userId: 'u', event: 'e', id: 7 }, false],
    ['an unknown field', { userId: 'u', event: 'e', other: 1 }, false],
    ['a field present as undefined', { userId: 'u', event: 'e', value: undefined }, false],
    ['an object with a prototype of its own', inherited, false],
    ['an object without a prototype', Object.assign(Object.create(null) as object, { userId: 'u', event: 'e' }), false],
    ['a list', [{ userId: 'u', event: 'e' }], false],
    ['null', null, false],
    ['a string', 'u', false],
    ['undefined', undefined, false]
  ];
  it.each(cases)('%s', (_name, item, taken) => {
    const plain = plainEventItem(item);
    const schema = eventItemSchema.safeParse(item);
    expect(plain !== null).toBe(taken);
    if (plain !== null) {
      expect(schema.success).toBe(true);
      expect(plain).toEqual(schema.data);
    }
  });
});
