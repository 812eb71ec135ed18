import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/connection.ts';
import type { Data } from '../../db/store/index.ts';
import type { ApiKey, KeyScope } from '../../calendar/model.ts';
import { apiKeys } from '../../db/sqlite/schema.ts';
import { NotFoundError } from '../../calendar/errors.ts';
import { recordAudit, type CommandContext } from '../../calendar/audit.ts';
import { groupCommitFor } from '../../db/sqlite/ingest/group-commit.ts';
import { config } from '../../db/config.ts';

export type { KeyScope };
/**
 * Who made a request: a stored key, or the `ADMIN_API_KEY` environment variable.
 * `allowedOrigins`: the browser origins a client key may be used from (empty: any).
 */
export type Principal = { keyId: number | null; name: string; scope: KeyScope; allowedOrigins: readonly string[] };

/** Told the id of a key right after it is revoked in this process (open SDK streams close). */
type RevokeListener = (keyId: number) => void;
const revokeListeners = new Set<RevokeListener>();

/**
 * Registers a listener for revocations made in this process; returns a function that removes it.
 * Revocations by another process reach `verifyApiKey` within its cache time (5 s).
 * @example const off = onKeyRevoked((id) => streams.closeKey(id));
 */
export function onKeyRevoked(listener: RevokeListener): () => void {
  revokeListeners.add(listener);
  return () => revokeListeners.delete(listener);
}
export type ApiKeyInfo = Omit<ApiKey, 'hash'>;

/** SHA-256 of a key, hex: what the database stores. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * A new random key: `wx_<scope>_` and 32 random bytes in base64url (256 bits).
 * @example generateApiKey('sdk') // 'wx_sdk_Q2x1...'
 */
export function generateApiKey(scope: KeyScope): string {
  return `wx_${scope}_${randomBytes(32).toString('base64url')}`;
}

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

/**
 * Creates a key and returns it in clear: the only time anyone sees it. Only its hash is stored.
 * @example const { key } = createApiKey(db, { name: 'ios app', scope: 'sdk' }, { actor: 'ana', nowMs });
 */
export async function createApiKey(
  data: Data, input: { name: string; scope: KeyScope; allowedOrigins?: string[] }, ctx: CommandContext
): Promise<ApiKeyInfo & { key: string }> {
  const key = generateApiKey(input.scope);
  const allowedOrigins = input.allowedOrigins ?? [];
  const row = await data.transaction(async (tx) => {
    const created = await tx.keys.insert({
      name: input.name, scope: input.scope, prefix: key.slice(0, key.indexOf('_', 3) + 5),
      hash: hashApiKey(key), createdAtMs: ctx.nowMs, allowedOrigins
    });
    await recordAudit(tx, {
      actor: ctx.actor, action: 'api_key.create', entityType: 'api_key', entityId: created.id,
      atMs: ctx.nowMs, details: { name: input.name, scope: input.scope, ...(allowedOrigins.length > 0 ? { allowedOrigins } : {}) }
    });
    return created;
  });
  const { hash: _hash, ...info } = row;
  return { ...info, key };
}

/** Keys without their hashes, newest first. */
export async function listApiKeys(data: Data): Promise<ApiKeyInfo[]> {
  return (await data.keys.list()).map(({ hash: _hash, ...info }) => info);
}

/** Revokes a key at once (idempotent); throws NotFoundError for an unknown id. */
export async function revokeApiKey(data: Data, id: number, ctx: CommandContext): Promise<ApiKeyInfo> {
  const row = await data.transaction(async (tx) => {
    const existing = await tx.keys.byId(id);
    if (!existing) throw new NotFoundError('API key', id);
    if (existing.revokedAtMs !== null) return existing;
    await recordAudit(tx, { actor: ctx.actor, action: 'api_key.revoke', entityType: 'api_key', entityId: id, atMs: ctx.nowMs });
    return tx.keys.update(id, { revokedAtMs: ctx.nowMs });
  });
  cache().clear();
  for (const listener of revokeListeners) {
    try { listener(id); } catch (err) { console.error('key revocation listener failed', err); }
  }
  const { hash: _hash, ...info } = row;
  return info;
}

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
