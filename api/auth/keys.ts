import { timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/connection.ts';
import type { Data } from '../../db/store/index.ts';
import type { KeyScope } from '../../calendar/model.ts';
import { apiKeys } from '../../db/sqlite/schema.ts';
import { createApiKey, hashApiKey, onKeyRevoked } from '../../calendar/keys/index.ts';
import { groupCommitFor } from '../../db/sqlite/ingest/group-commit.ts';
import { config } from '../../db/config.ts';

export type { KeyScope };
// Creating, listing and revoking keys is the domain's (the UI's keys page uses it too).
export { createApiKey, listApiKeys, revokeApiKey, onKeyRevoked, hashApiKey, generateApiKey, type ApiKeyInfo } from '../../calendar/keys/index.ts';
/**
 * Who made a request: a stored key, or the `ADMIN_API_KEY` environment variable.
 * `allowedOrigins`: the browser origins a client key may be used from (empty: any).
 */
export type Principal = { keyId: number | null; name: string; scope: KeyScope; allowedOrigins: readonly string[] };

type Cached = { principal: Principal; atMs: number };
/**
 * Keys verified recently, by the presented key itself, so a request with a known key costs a
 * map lookup instead of two SHA-256 digests and a query. Only keys that passed the hashed,
 * constant-time check get in; revoking clears it, and entries are short-lived so a revocation
 * from another process applies within seconds.
 */
const verified = new Map<string, Cached>();
function cache(): Map<string, Cached> {
  return verified;
}
const cacheTtlMs = 5_000;
// A revocation in this process (API or UI) applies at once, not after the cache time.
onKeyRevoked(() => cache().clear());

function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The principal for a presented key, or null when it is unknown or revoked. The key is
 * hashed, looked up by hash, and the hashes compared in constant time; `ADMIN_API_KEY`
 * (when set) is an admin key.
 */
export function verifyApiKey(db: Db, presented: string, nowMs: number): Principal | null {
  const hit = cache().get(presented);
  const fresh = hit && nowMs - hit.atMs < cacheTtlMs && nowMs >= hit.atMs;
  // The environment key stays valid only while the environment still says so.
  if (fresh && (hit.principal.keyId !== null || config().adminApiKey === presented)) return hit.principal;
  const hex = hashApiKey(presented);
  const digest = Buffer.from(hex, 'hex');
  const envKey = config().adminApiKey;
  if (envKey && sameHash(digest, Buffer.from(hashApiKey(envKey), 'hex'))) {
    return remember(presented, { keyId: null, name: 'ADMIN_API_KEY', scope: 'admin', allowedOrigins: [] }, nowMs);
  }
  const row = db.select().from(apiKeys).where(eq(apiKeys.hash, hex)).get();
  const principal = row && row.revokedAtMs === null && sameHash(digest, Buffer.from(row.hash, 'hex'))
    ? { keyId: row.id, name: row.name, scope: row.scope, allowedOrigins: row.allowedOrigins } : null;
  if (principal) {
    remember(presented, principal, nowMs);
    if (row!.lastUsedAtMs === null || nowMs - row!.lastUsedAtMs > 60_000) {
      // Off the request's path: committed with the next group of writes.
      groupCommitFor(db.$client).run(() => db.update(apiKeys).set({ lastUsedAtMs: nowMs }).where(eq(apiKeys.id, row!.id)).run())
        .catch(() => { /* best effort: the connection may be closing */ });
    }
  }
  return principal;
}

function remember(presented: string, principal: Principal, nowMs: number): Principal {
  const entries = cache();
  if (entries.size >= 10_000) entries.clear(); // bounded: only valid keys get in, but never grow without limit
  entries.set(presented, { principal, atMs: nowMs });
  return principal;
}

/**
 * On start: when no active admin key exists and `ADMIN_API_KEY` is not set, creates one and
 * returns it so the caller can print it once. Returns null otherwise.
 */
export async function ensureAdminKey(data: Data, nowMs: number): Promise<string | null> {
  if (config().adminApiKey) return null;
  // One transaction for the check and the key: replicas starting together create one key, not one each.
  return data.transaction(async (tx) => {
    const active = (await tx.keys.list()).some((k) => k.scope === 'admin' && k.revokedAtMs === null);
    if (active) return null;
    return (await createApiKey(tx, { name: 'first admin key', scope: 'admin' }, { actor: 'system', nowMs })).key;
  });
}
