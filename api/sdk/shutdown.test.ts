// closeAllStreams ends every stream of the process for good, so it has a file (and app) of its own.
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { closeAllStreams } from './index.ts';

const t = await createTestApp();
const served = useServedApp(t);

describe('closeAllStreams (SIGTERM)', () => {
  it('ends every open stream cleanly, and later subscriptions get 503 with Retry-After', async () => {
    const { key } = await (await t.authed('/api/v1/keys', { method: 'POST', body: { name: 'shutdown', scope: 'client' } })).json();
    const streams = await Promise.all([1, 2, 3].map(async () => {
      const res = await fetch(`${served.base}/sub/${key}`);
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read(); // the first payload: the stream is open
      return reader;
    }));
    closeAllStreams();
    // Each stream reaches its end (done), not an error: the SDK's EventSource then reconnects.
    const ends = await Promise.all(streams.map(async (reader) => {
      for (let chunk = await reader.read(); ; chunk = await reader.read()) if (chunk.done) return 'done';
    }));
    expect(ends).toEqual(['done', 'done', 'done']);
    const late = await fetch(`${served.base}/sub/${key}`);
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('1');
    expect((await late.json()).error.code).toBe('shutting_down');
  });
});
