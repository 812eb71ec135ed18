/**
 * Faults answered, not hidden: another process holding the SQLite write lock, and a full
 * disk (simulated with `PRAGMA max_page_count`, which makes SQLite answer SQLITE_FULL). The
 * request thread stays responsive (health answers while a write waits), writes answer 503
 * with a JSON error naming the cause and Retry-After, nothing acknowledged is lost, nothing
 * unacknowledged is stored, and health says `degraded` with the reason until it clears.
 */
import { openSqliteFile, type SqliteClient } from '../../db/sqlite/inspect.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let other: SqliteClient;
beforeEach(async () => {
  t = await createTestApp();
  other = openSqliteFile(t.path);
});
afterEach(() => {
  if (other.inTransaction) other.exec('ROLLBACK');
  other.close();
  t.cleanup();
});

const sendEvents = (ids: string[]) => t.authed('/api/v1/events', {
  method: 'POST', key: t.sdkKey, body: { events: ids.map((id) => ({ userId: `user-${id}`, event: 'purchase', value: 5, id })) }
});
const storedEvents = () => other.prepare('SELECT client_event_id FROM events ORDER BY client_event_id').pluck().all();

describe('another process holds the write lock', () => {
  it('health answers degraded while an event write waits; the write then answers 503 with Retry-After, and succeeds on retry once the lock is gone', async () => {
    expect((await t.app.request('/api/v1/health')).status).toBe(200);
    other.exec('BEGIN IMMEDIATE');
    const order: string[] = [];
    const write = sendEvents(['e1', 'e2']).then((res) => { order.push('write'); return res; });
    const health = Promise.resolve(t.app.request('/api/v1/health')).then((res) => { order.push('health'); return res; });
    const [healthRes, writeRes] = await Promise.all([health, write]);
    // The event loop was free while the write waited for the lock: health answered first.
    expect(order).toEqual(['health', 'write']);
    expect(healthRes.status).toBe(503);
    expect(await healthRes.json()).toMatchObject({
      status: 'degraded', database: { ok: false, fault: 'database_busy', error: expect.stringContaining('locked by another process') }
    });
    expect(writeRes.status).toBe(503);
    expect(writeRes.headers.get('retry-after')).toBe('1');
    expect(await writeRes.json()).toEqual({ error: { code: 'database_busy', message: expect.stringContaining('nothing was stored') } });

    other.exec('ROLLBACK');
    expect(storedEvents()).toEqual([]);
    const retry = await sendEvents(['e1', 'e2']);
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(storedEvents()).toEqual(['e1', 'e2']);
    const healthy = await t.app.request('/api/v1/health');
    expect(healthy.status).toBe(200);
    expect((await healthy.json()).status).toBe('ok');
  });

  it('a write released before the wait runs out is stored and acknowledged', async () => {
    other.exec('BEGIN IMMEDIATE');
    let settled = false;
    const write = sendEvents(['late-1']).finally(() => { settled = true; });
    // Released on a signal, not a timer: health, answered while the write waits, sees the lock held.
    expect((await (await t.app.request('/api/v1/health')).json()).database.fault).toBe('database_busy');
    expect(settled).toBe(false);
    expect(storedEvents()).toEqual([]);
    other.exec('ROLLBACK');
    const res = await write;
    expect(res.status).toBe(202);
    expect(storedEvents()).toEqual(['late-1']);
  });

  it('an admin write (not group-committed) answers 503 at once instead of waiting', async () => {
    other.exec('BEGIN IMMEDIATE');
    const res = await t.authed('/api/v1/ideas', { method: 'POST', body: { title: 'Try a shorter subject line', source: 'survey' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await res.json()).error.code).toBe('database_busy');
    other.exec('ROLLBACK');
    const again = await t.authed('/api/v1/ideas', { method: 'POST', body: { title: 'Try a shorter subject line', source: 'survey' } });
    expect(again.status).toBe(201);
  });
});

describe('the disk is full', () => {
  it('answers 503 disk_full, stores nothing of the batch, reports degraded, and recovers once space is back', async () => {
    const client = t.db.$client;
    client.exec('VACUUM'); // no free pages left to fill
    const pages = client.pragma('page_count', { simple: true }) as number;
    client.pragma(`max_page_count = ${pages}`);
    const many = Array.from({ length: 100 }, (_, i) => `full-${String(i).padStart(3, '0')}-${'x'.repeat(100)}`);
    const res = await sendEvents(many);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect((await res.json()).error).toEqual({ code: 'disk_full', message: expect.stringContaining('disk is full') });
    expect(storedEvents()).toEqual([]);
    const health = await t.app.request('/api/v1/health');
    expect(health.status).toBe(503);
    expect((await health.json()).database).toMatchObject({ ok: false, fault: 'disk_full' });

    client.pragma('max_page_count = 1073741823');
    const retry = await sendEvents(many);
    expect(retry.status).toBe(202);
    expect(storedEvents()).toEqual(many);
    expect((await t.app.request('/api/v1/health')).status).toBe(200);
  });
});
