import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { requiredAccess, presentedKey } from './middleware.ts';
import { ensureAdminKey, hashApiKey } from './keys.ts';
import { reloadConfig } from '../../db/config.ts';

const t = await createTestApp();
afterAll(() => t.cleanup());
afterEach(() => { delete process.env.ADMIN_API_KEY; reloadConfig(); });

describe('requiredAccess', () => {
  it.each([
    ['/api/v1/health', 'public'], ['/api/v1/openapi.json', 'public'], ['/api/v1/docs', 'public'],
    ['/api/v1/assign', 'sdk'], ['/api/v1/exposures', 'client'], ['/api/v1/events', 'client'],
    ['/api/features/wx_client_abc', 'public'], ['/sub/wx_client_abc', 'public'], ['/api/features/a/b', 'admin'],
    ['/ofrep/v1/evaluate/flags/x', 'sdk'], ['/api/v1/experiments', 'admin'], ['/api/v1/keys', 'admin'],
    ['/api/v1/healthz', 'admin'], ['/api/v1/assignments', 'admin']
  ])('%s needs %s', (path, access) => expect(requiredAccess(path)).toBe(access));
});

describe('presentedKey', () => {
  it.each([
    ['Bearer abc', undefined, 'abc'], ['bearer   abc ', undefined, 'abc'], [undefined, 'xyz', 'xyz'],
    ['Basic abc', undefined, null], [undefined, '  ', null], [undefined, undefined, null]
  ])('%j / %j -> %j', (auth, header, expected) => expect(presentedKey(auth, header)).toBe(expected));
});

describe('API keys over HTTP', () => {
  it.each([
    ['no key', {}, 401, 'unauthorized'],
    ['unknown key', { authorization: 'Bearer wx_admin_nope' }, 401, 'unauthorized'],
    ['malformed header', { authorization: 'Token abc' }, 401, 'unauthorized']
  ])('%s -> %i', async (_name, headers, status, code) => {
    const res = await t.app.request('/api/v1/experiments', { headers });
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it('an sdk key may assign but not manage (403)', async () => {
    const assign = await t.authed('/api/v1/assign', { method: 'POST', key: t.sdkKey, body: { userId: 'u1' } });
    expect(assign.status).toBe(200);
    const manage = await t.authed('/api/v1/experiments', { key: t.sdkKey });
    expect(manage.status).toBe(403);
    expect((await manage.json()).error.message).toMatch(/admin/);
  });

  it('accepts X-API-Key as well as Bearer', async () => {
    const res = await t.app.request('/api/v1/experiments', { headers: { 'x-api-key': t.adminKey } });
    expect(res.status).toBe(200);
  });

  it('public routes need no key', async () => {
    expect((await t.app.request('/api/v1/health')).status).toBe(200);
    expect((await t.app.request('/api/v1/openapi.json')).status).toBe(200);
  });

  it('creates a key shown once, stores only its hash, lists without it, revokes it', async () => {
    const created = await t.authed('/api/v1/keys', { method: 'POST', body: { name: 'ios app', scope: 'sdk' } });
    expect(created.status).toBe(201);
    const { id, key, prefix } = await created.json();
    expect(key).toMatch(/^wx_sdk_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(prefix)).toBe(true);
    const stored = (await t.data.keys.list()).find((k) => k.id === id)!;
    expect(stored.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(stored)).not.toContain(key);
    const list = await (await t.authed('/api/v1/keys')).json();
    expect(JSON.stringify(list)).not.toContain(key);
    expect(list.keys.find((k: { id: number }) => k.id === id)).toMatchObject({ name: 'ios app', scope: 'sdk', revokedAtMs: null });

    expect((await t.authed('/api/v1/events', { method: 'POST', key, body: { events: [{ userId: 'u', event: 'e' }] } })).status).toBe(202);
    const revoked = await t.authed(`/api/v1/keys/${id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect((await t.authed('/api/v1/events', { method: 'POST', key, body: { events: [{ userId: 'u', event: 'e' }] } })).status).toBe(401);
  });

  it.each([
    [{ name: '', scope: 'sdk' }], [{ name: 'x', scope: 'root' }], [{ name: 'x' }],
    [{ name: 'x', scope: 'sdk', allowedOrigins: ['https://a.example'] }],
    [{ name: 'x', scope: 'client', allowedOrigins: ['https://a.example/'] }],
    [{ name: 'x', scope: 'client', allowedOrigins: ['a.example'] }],
    [{ name: 'x', scope: 'client', allowedOrigins: 'https://a.example' }]
  ])('rejects key body %j with 400', async (body) => {
    const res = await t.authed('/api/v1/keys', { method: 'POST', body });
    expect(res.status).toBe(400);
  });

  it('revoking an unknown key is a 404', async () => {
    expect((await t.authed('/api/v1/keys/9999', { method: 'DELETE' })).status).toBe(404);
  });

  it('ADMIN_API_KEY from the environment is an admin key', async () => {
    process.env.ADMIN_API_KEY = 'env-secret-key-123'; reloadConfig();
    expect((await t.authed('/api/v1/experiments', { key: 'env-secret-key-123' })).status).toBe(200);
    expect((await t.authed('/api/v1/experiments', { key: 'env-secret-key-124' })).status).toBe(401);
    delete process.env.ADMIN_API_KEY; reloadConfig(); // withdrawn: the recently verified key no longer opens anything
    expect((await t.authed('/api/v1/experiments', { key: 'env-secret-key-123' })).status).toBe(401);
  });
});

describe('ensureAdminKey', () => {
  it('creates a key only when no active admin key exists and ADMIN_API_KEY is unset', async () => {
    const fresh = await createTestApp({ seed: false });
    try {
      // createTestApp made one admin key already.
      expect(await ensureAdminKey(fresh.data, 0)).toBeNull();
      for (const k of await fresh.data.keys.list()) await fresh.data.keys.update(k.id, { revokedAtMs: 1 });
      process.env.ADMIN_API_KEY = 'set-by-the-environment'; reloadConfig();
      expect(await ensureAdminKey(fresh.data, 0)).toBeNull();
      delete process.env.ADMIN_API_KEY; reloadConfig();
      expect(await ensureAdminKey(fresh.data, 0)).toMatch(/^wx_admin_/);
      expect(await ensureAdminKey(fresh.data, 0)).toBeNull();
    } finally { await fresh.cleanup(); }
  });
});
