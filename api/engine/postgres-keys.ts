/**
 * API key verification on PostgreSQL: the same check as `verifyApiKey` (api/auth/keys.ts) — the
 * key hashed, looked up by hash, the hashes compared in constant time, `ADMIN_API_KEY` an admin
 * key — but asynchronous, through the key store, with no cache: a key revoked on any replica
 * is refused by every replica at its next request.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Data } from '../../db/store/index.ts';
import { config } from '../../db/config.ts';
import { hashApiKey, type Principal } from '../auth/keys.ts';

function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The principal of a presented key, or null when unknown or revoked.
 * @example await verifyApiKeyOn(data, 'wx_sdk_…', Date.now()) // { keyId: 3, name: 'ios app', scope: 'sdk', allowedOrigins: [] }
 */
export async function verifyApiKeyOn(data: Data, presented: string, nowMs: number): Promise<Principal | null> {
  const hex = hashApiKey(presented);
  const digest = Buffer.from(hex, 'hex');
  const envKey = config().adminApiKey;
  if (envKey && sameHash(digest, Buffer.from(hashApiKey(envKey), 'hex'))) {
    return { keyId: null, name: 'ADMIN_API_KEY', scope: 'admin', allowedOrigins: [] };
  }
  const row = await data.keys.byHash(hex);
  if (!row || row.revokedAtMs !== null || !sameHash(digest, Buffer.from(row.hash, 'hex'))) return null;
  if (row.lastUsedAtMs === null || nowMs - row.lastUsedAtMs > 60_000) {
    // Off the request's path, best effort.
    data.keys.update(row.id, { lastUsedAtMs: nowMs }).catch(() => undefined);
  }
  return { keyId: row.id, name: row.name, scope: row.scope, allowedOrigins: row.allowedOrigins };
}
