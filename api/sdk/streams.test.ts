import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { streamSettings } from './streams.ts';

// Read when the app is built: two streams per key, a keep-alive every 100 ms.
process.env.SDK_STREAMS_PER_KEY = '2';
process.env.SDK_STREAM_KEEPALIVE_MS = '100';
const t = await createTestApp();
delete process.env.SDK_STREAMS_PER_KEY;
delete process.env.SDK_STREAM_KEEPALIVE_MS;

const created = async (name: string) => (await (await t.authed('/api/v1/keys', { method: 'POST', body: { name, scope: 'client' } })).json()) as { id: number; key: string };
const served = useServedApp(t, async () => {
  expect((await t.authed('/api/v1/experiments/w01-onboarding-ebook-reminder/start', { method: 'POST' })).status).toBe(200);
});

/** An open stream: what it has sent so far, whether it ended, and a way to hang up. */
async function subscribe(key: string) {
  const abort = new AbortController();
  const res = await fetch(`${served.base}/sub/${key}`, { signal: abort.signal });
  const state = { status: res.status, text: '', ended: false, close: () => abort.abort() };
  if (res.status === 200) {
    void (async () => {
      const decoder = new TextDecoder();
      const reader = res.body!.getReader();
      try {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) state.text += decoder.decode(chunk.value, { stream: true });
      } catch { /* aborted */ }
      state.ended = true;
    })();
  } else {
    state.text = await res.text();
  }
  return state;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  return check();
};
const events = (text: string) => text.split('\n\n').filter((block) => block.startsWith('event: features'));

describe('streamSettings', () => {
  it.each([
    [{}, { perKey: 100, keepAliveMs: 15_000 }],
    [{ SDK_STREAMS_PER_KEY: '5', SDK_STREAM_KEEPALIVE_MS: '2000' }, { perKey: 5, keepAliveMs: 2_000 }],
    [{ SDK_STREAMS_PER_KEY: '0', SDK_STREAM_KEEPALIVE_MS: 'soon' }, { perKey: 100, keepAliveMs: 15_000 }]
  ])('%j -> %j', (env, settings) => expect(streamSettings(env)).toEqual(settings));
});

describe('GET /sub/{clientKey}', () => {
  it('sends the payload at once, the new one after a change, and keep-alives', async () => {
    const { key } = await created('stream a');
    const stream = await subscribe(key);
    try {
      expect(stream.status).toBe(200);
      expect(await until(() => events(stream.text).length === 1)).toBe(true);
      const first = JSON.parse(events(stream.text)[0]!.split('data: ')[1]!);
      expect(first.features['w01-onboarding-ebook-reminder'].rules).toHaveLength(1);
      expect(await until(() => stream.text.includes(': keep-alive'))).toBe(true);
      expect((await t.authed('/api/v1/experiments/w01-onboarding-ebook-reminder/stop', { method: 'POST' })).status).toBe(200);
      expect(await until(() => events(stream.text).length === 2)).toBe(true);
      const second = JSON.parse(events(stream.text)[1]!.split('data: ')[1]!);
      expect(second.features['w01-onboarding-ebook-reminder']).toEqual({ defaultValue: 'control' });
      expect(second.dateUpdated > first.dateUpdated).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('holds at most the limit of streams per key (429 beyond), and frees a place when one closes', async () => {
    const { key } = await created('stream b');
    const a = await subscribe(key);
    const b = await subscribe(key);
    const c = await subscribe(key);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    expect(JSON.parse(c.text).error.code).toBe('too_many_streams');
    a.close();
    // The server learns of the hang-up when the socket closes: ask until it has.
    let d = await subscribe(key);
    for (let i = 0; i < 40 && d.status === 429; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      d = await subscribe(key);
    }
    expect(d.status).toBe(200);
    b.close();
    d.close();
  });

  it('closes the streams of a revoked key', async () => {
    const { id, key } = await created('stream c');
    const stream = await subscribe(key);
    expect(await until(() => events(stream.text).length === 1)).toBe(true);
    expect((await t.authed(`/api/v1/keys/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await until(() => stream.ended)).toBe(true);
    expect((await subscribe(key)).status).toBe(401);
  });

  it('refuses a key that is not a client key', async () => {
    expect((await subscribe(t.sdkKey)).status).toBe(401);
  });
});
