import { createHash, randomBytes } from 'node:crypto';
import type { Data } from '../../db/store/index.ts';
import type { ApiKey, KeyScope } from '../model.ts';
import { NotFoundError } from '../errors.ts';
import { recordAudit, type CommandContext } from '../audit.ts';

/** A key as anyone may see it: everything but its hash (the key itself is shown once, at creation). */
export type ApiKeyInfo = Omit<ApiKey, 'hash'>;

/** Told the id of a key right after it is revoked in this process (the API drops its cache, SDK streams close). */
type RevokeListener = (keyId: number) => void;
const revokeListeners = new Set<RevokeListener>();

/**
 * Registers a listener for revocations made in this process (by the API or the UI); returns a
 * function that removes it. Revocations by another process reach the API's key check within its
 * cache time (5 s).
 * @example const off = onKeyRevoked((id) => streams.closeKey(id));
 */
export function onKeyRevoked(listener: RevokeListener): () => void {
  revokeListeners.add(listener);
  return () => revokeListeners.delete(listener);
}

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

/**
 * Creates a key and returns it in clear: the only time anyone sees it. Only its hash is stored.
 * @example const { key } = await createApiKey(data, { name: 'ios app', scope: 'sdk' }, { actor: 'ana', nowMs });
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

/**
 * Tells the revocation listeners of this process that key `id` was revoked: called by
 * `revokeApiKey`, and by the change feed for a key revoked through another replica (api/replicas.ts).
 * @example announceKeyRevoked(3) // open SDK streams of key 3 close
 */
export function announceKeyRevoked(id: number): void {
  for (const listener of revokeListeners) {
    try { listener(id); } catch (err) { console.error('key revocation listener failed', err); }
  }
}

/** Revokes a key at once (idempotent) and tells the revocation listeners; throws NotFoundError for an unknown id. */
export async function revokeApiKey(data: Data, id: number, ctx: CommandContext): Promise<ApiKeyInfo> {
  const row = await data.transaction(async (tx) => {
    const existing = await tx.keys.byId(id);
    if (!existing) throw new NotFoundError('API key', id);
    if (existing.revokedAtMs !== null) return existing;
    await recordAudit(tx, { actor: ctx.actor, action: 'api_key.revoke', entityType: 'api_key', entityId: id, atMs: ctx.nowMs });
    return tx.keys.update(id, { revokedAtMs: ctx.nowMs });
  });
  announceKeyRevoked(id);
  const { hash: _hash, ...info } = row;
  return info;
}
