// The events fast path when something breaks: a check that throws leaves the request to Hono,
// and a write that fails for a reason that is not a database fault is logged under the route's
// name and answered as the Hono route's 500.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerResponse } from 'node:http';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { fakeRequest } from '../../tests/helpers/fake-request.ts';
import { fastEvents } from './fast-path.ts';

const t = await createTestApp({ seed: false });
const served = useServedApp(t);
afterEach(() => { vi.restoreAllMocks(); });

describe('fastEvents when something breaks', () => {
  it('a key check that throws (the keys table is gone) leaves the request to Hono', async () => {
    const broken = await createTestApp({ seed: false });
    try {
      const headers = { 'content-type': 'application/json', 'content-length': '20', authorization: 'Bearer wx_never_seen_before' };
      const take = fastEvents(broken.deps, () => {});
      expect(take(fakeRequest('POST', '/api/v1/events', headers), {} as ServerResponse)).toBe(false); // the key is checked and not found
      broken.db.$client.exec('alter table api_keys rename to api_keys_gone');
      expect(take(fakeRequest('POST', '/api/v1/events', headers), {} as ServerResponse)).toBe(false);
    } finally {
      broken.cleanup();
    }
  });

  it('a write refused by SQLite for another reason than a fault is a 500, logged with the route', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    t.db.$client.exec(`create trigger no_events before insert on events begin select raise(abort, 'no events today'); end`);
    try {
      const res = await fetch(`${served.base}/api/v1/events`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.sdkKey}` },
        body: JSON.stringify({ events: [{ userId: 'u', event: 'activation', id: 'refused-1' }] })
      });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
      expect(logged).toHaveBeenCalledWith('unhandled error POST /api/v1/events', expect.objectContaining({ message: 'no events today' }));
    } finally {
      t.db.$client.exec('drop trigger no_events');
    }
  });
});
