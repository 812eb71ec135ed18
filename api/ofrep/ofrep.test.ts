import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { createTestApp } from '../../tests/helpers/test-app.ts';

// The real OpenFeature server SDK with the generic OFREP provider, over real HTTP on 127.0.0.1.
const t = await createTestApp();
let server: Server;
let baseUrl: string;
let client: Client;

beforeAll(async () => {
  server = createServer(getRequestListener(t.app.fetch));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await t.authed('/api/v1/experiments', { method: 'POST', body: {
    key: 'paywall', name: 'Paywall', exploratory: true, variants: [{ key: 'control' }, { key: 'annual-first' }],
    targeting: [{ attribute: 'segment', operator: 'in', value: ['new', 'returning'] }], forcedVariants: { 'qa-1': 'annual-first' }
  } });
  await t.authed('/api/v1/experiments/paywall/start', { method: 'POST' });
  await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl, headers: [['X-API-Key', t.sdkKey]] }));
  client = OpenFeature.getClient();
});
afterAll(async () => {
  await OpenFeature.close();
  await new Promise((r) => server.close(r));
  t.cleanup();
});

describe('OFREP with @openfeature/server-sdk and @openfeature/ofrep-provider', () => {
  it('returns the same variant as /assign, with reason SPLIT', async () => {
    const details = await client.getStringDetails('paywall', 'fallback', { targetingKey: 'user-42', segment: 'new' });
    const assign = await (await t.authed('/api/v1/assign?experiment=paywall&userId=user-42&expose=false', { key: t.sdkKey })).json();
    expect(details.value).toBe(assign.assignments.paywall.variant);
    expect(details).toMatchObject({ variant: details.value, reason: 'SPLIT', flagMetadata: { inExperiment: true } });
    expect(details.errorCode).toBeUndefined();
  });

  it('records the exposure of a single evaluation (the next one is sticky)', async () => {
    await client.getStringValue('paywall', 'fallback', { targetingKey: 'user-43', segment: 'new' });
    const again = await client.getStringDetails('paywall', 'fallback', { targetingKey: 'user-43', segment: 'new' });
    expect(again.flagMetadata).toMatchObject({ assignmentReason: 'sticky' });
  });

  it('targeting from context attributes: outside -> control with reason DEFAULT', async () => {
    const d = await client.getStringDetails('paywall', 'fallback', { targetingKey: 'user-44', segment: 'churned' });
    expect(d).toMatchObject({ value: 'control', reason: 'DEFAULT' });
  });

  it('forced QA user -> TARGETING_MATCH', async () => {
    const d = await client.getStringDetails('paywall', 'fallback', { targetingKey: 'qa-1' });
    expect(d).toMatchObject({ value: 'annual-first', reason: 'TARGETING_MATCH' });
  });

  it('a draft experiment is DISABLED and serves the control', async () => {
    const d = await client.getStringDetails('w01-onboarding-ebook-reminder', 'fallback', { targetingKey: 'u1' });
    expect(d).toMatchObject({ value: 'control', reason: 'DISABLED' });
  });

  it.each([
    ['an unknown flag', 'nope', { targetingKey: 'u1' }, 'FLAG_NOT_FOUND'],
    ['no targeting key', 'paywall', {}, 'TARGETING_KEY_MISSING']
  ])('%s -> default value with %s', async (_name, flag, context, errorCode) => {
    const d = await client.getStringDetails(flag, 'fallback', context);
    expect(d).toMatchObject({ value: 'fallback', errorCode, reason: 'ERROR' });
  });
});

describe('OFREP over plain HTTP', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${t.sdkKey}`, ...headers } });

  it.each([
    ['invalid JSON', '/ofrep/v1/evaluate/flags/paywall', '{', 400, { key: 'paywall', errorCode: 'PARSE_ERROR' }],
    ['context not an object', '/ofrep/v1/evaluate/flags/paywall', '{"context": 3}', 400, { errorCode: 'INVALID_CONTEXT' }],
    ['nested object attribute', '/ofrep/v1/evaluate/flags/paywall', '{"context": {"targetingKey": "u", "a": {"b": 1}}}', 400, { errorCode: 'INVALID_CONTEXT' }],
    ['numeric targeting key', '/ofrep/v1/evaluate/flags/paywall', '{"context": {"targetingKey": 5}}', 400, { errorCode: 'INVALID_CONTEXT' }],
    ['missing key', '/ofrep/v1/evaluate/flags/paywall', '{"context": {}}', 400, { errorCode: 'TARGETING_KEY_MISSING' }],
    ['unknown flag', '/ofrep/v1/evaluate/flags/zzz', '{"context": {"targetingKey": "u"}}', 404, { key: 'zzz', errorCode: 'FLAG_NOT_FOUND' }],
    ['bulk, invalid JSON', '/ofrep/v1/evaluate/flags', 'nope', 400, { errorCode: 'PARSE_ERROR' }]
  ])('%s -> %i', async (_name, path, body, status, expected) => {
    const res = await post(path, body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject(expected);
  });

  it('needs an sdk key: 401 without one', async () => {
    const res = await fetch(`${baseUrl}/ofrep/v1/evaluate/flags/paywall`, { method: 'POST', body: '{"context":{"targetingKey":"u"}}' });
    expect(res.status).toBe(401);
  });

  it('bulk evaluates every active experiment with an ETag, 304 when unchanged', async () => {
    const body = JSON.stringify({ context: { targetingKey: 'bulk-1', segment: 'new' } });
    const first = await post('/ofrep/v1/evaluate/flags', body);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const { flags } = await first.json();
    expect(flags).toEqual([expect.objectContaining({ key: 'paywall', reason: 'SPLIT', value: expect.any(String) })]);
    const second = await post('/ofrep/v1/evaluate/flags', body, { 'if-none-match': etag });
    expect(second.status).toBe(304);
    const other = await post('/ofrep/v1/evaluate/flags', JSON.stringify({ context: { targetingKey: 'bulk-1', segment: 'churned' } }), { 'if-none-match': etag });
    expect(other.status).toBe(200);
  });
});
