/**
 * API key verification on PostgreSQL: the same check as `verifyApiKey` (api/auth/keys.ts) — the
 * key hashed, looked up by hash, the hashes compared in constant time, `ADMIN_API_KEY` an admin
 * key — but asynchronous, through the key store. Verified keys are kept for half a second
 * (profiled: the lookup was one round trip per request, about a fifth of the server's CPU in
 * socket writes under load), cleared at once when a revocation is announced (this process, or
 * another replica through the change feed, api/replicas.ts), so a key revoked on any replica is
 * refused by every replica within a second even if a notification is lost.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Data } from '../../db/store/index.ts';
import { config } from '../../db/config.ts';
import { hashApiKey, onKeyRevoked, type Principal } from '../auth/keys.ts';

function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** How long a verified key is trusted without asking the database (well within the one-second promise). */
const cacheTtlMs = 500;
type Cached = { principal: Principal; atMs: number };
/** Per key store (one per pool), by the presented key itself; only keys that passed the check get in. */
const caches = new WeakMap<object, Map<string, Cached>>();
const allCaches = new Set<WeakRef<Map<string, Cached>>>();
/** Counts revocations: a lookup that a revocation overlapped is not remembered (it may have read the key before). */
let revocations = 0;
onKeyRevoked(() => {
  revocations++;
  for (const ref of allCaches) {
    const entries = ref.deref();
    if (entries) entries.clear(); else allCaches.delete(ref);
  }
});
function cacheOf(data: Data): Map<string, Cached> {
  let entries = caches.get(data.keys);
  if (!entries) {
    caches.set(data.keys, (entries = new Map()));
    allCaches.add(new WeakRef(entries));
  }
  return entries;
}

/**
 * The principal of a presented key, or null when unknown or revoked.
 * @example await verifyApiKeyOn(data, 'wx_sdk_…', Date.now()) // { keyId: 3, name: 'ios app', scope: 'sdk', allowedOrigins: [] }
 */
export async function verifyApiKeyOn(data: Data, presented: string, nowMs: number): Promise<Principal | null> {
  const entries = cacheOf(data);
  const hit = entries.get(presented);
  // Wall time, not the request's clock (tests move that): the TTL bounds how late a revocation applies.
  const wallMs = Date.now();
  const fresh = hit && wallMs - hit.atMs < cacheTtlMs && wallMs >= hit.atMs;
  // The environment key stays valid only while the environment still says so.
  if (fresh && (hit.principal.keyId !== null || config().adminApiKey === presented)) return hit.principal;
  const hex = hashApiKey(presented);
  const digest = Buffer.from(hex, 'hex');
  const envKey = config().adminApiKey;
  if (envKey && sameHash(digest, Buffer.from(hashApiKey(envKey), 'hex'))) {
    return remember(entries, presented, { keyId: null, name: 'ADMIN_API_KEY', scope: 'admin', allowedOrigins: [] }, wallMs);
  }
  const before = revocations;
  const row = await data.keys.byHash(hex);
  if (!row || row.revokedAtMs !== null || !sameHash(digest, Buffer.from(row.hash, 'hex'))) return null;
  if (row.lastUsedAtMs === null || nowMs - row.lastUsedAtMs > 60_000) {
    // Off the request's path, best effort.
    data.keys.update(row.id, { lastUsedAtMs: nowMs }).catch(() => undefined);
  }
  const principal: Principal = { keyId: row.id, name: row.name, scope: row.scope, allowedOrigins: row.allowedOrigins };
  return before === revocations ? remember(entries, presented, principal, wallMs) : principal;
}

function remember(entries: Map<string, Cached>, presented: string, principal: Principal, atMs: number): Principal {
  if (entries.size >= 10_000) entries.clear(); // bounded: only valid keys get in, but never grow without limit
  entries.set(presented, { principal, atMs });
  return principal;
}
