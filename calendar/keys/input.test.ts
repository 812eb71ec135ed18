import { describe, expect, it } from 'vitest';
import { parseKeyForm, type KeyForm } from './input.ts';

const form = (patch: Partial<KeyForm>): KeyForm => ({ name: 'shop web', scope: 'client', allowedOrigins: '', ...patch });

describe('parseKeyForm', () => {
  it.each([
    ['a client key, no origins', form({}), { input: { name: 'shop web', scope: 'client', allowedOrigins: [] } }],
    ['origins by line and comma, repeats dropped', form({ allowedOrigins: 'https://shop.example\nhttp://localhost:5173, https://shop.example' }),
      { input: { name: 'shop web', scope: 'client', allowedOrigins: ['https://shop.example', 'http://localhost:5173'] } }],
    ['the name trimmed; an admin key', form({ name: '  ops  ', scope: 'admin' }), { input: { name: 'ops', scope: 'admin', allowedOrigins: [] } }],
    ['an empty name', form({ name: '   ' }), { errors: { name: 'Give the key a name of 1 to 100 characters' } }],
    ['a name of 101 characters', form({ name: 'n'.repeat(101) }), { errors: { name: 'Give the key a name of 1 to 100 characters' } }],
    ['an unknown scope', form({ scope: 'root' }), { errors: { scope: 'Choose client, sdk or admin' } }],
    ['an origin with a path and upper case', form({ allowedOrigins: 'https://Shop.example/app' }),
      { errors: { allowedOrigins: 'Not an origin: https://Shop.example/app. Write scheme and host, e.g. https://shop.example or http://localhost:5173 (lower case, no path)' } }],
    ['origins on an sdk key', form({ scope: 'sdk', allowedOrigins: 'https://shop.example' }), { errors: { allowedOrigins: 'Allowed origins apply to client keys only' } }],
    ['51 origins', form({ allowedOrigins: Array.from({ length: 51 }, (_, i) => `https://s${i}.example`).join(' ') }), { errors: { allowedOrigins: 'At most 50 origins' } }]
  ])('%s', (_name, input, expected) => expect(parseKeyForm(input)).toEqual(expected));
});
