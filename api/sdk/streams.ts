import { onKeyRevoked } from '../auth/index.ts';

/** Limits of the SDK streams (`GET /sub/{clientKey}`), from the environment. */
export type StreamSettings = { perKey: number; keepAliveMs: number };

/**
 * `SDK_STREAMS_PER_KEY` (default 100): open streams one client key may hold; more get 429.
 * `SDK_STREAM_KEEPALIVE_MS` (default 15 s): how often a stream sends a comment line, so proxies
 * keep it open, and re-checks that its key is still valid.
 * @example streamSettings({ SDK_STREAMS_PER_KEY: '2' }).perKey // 2
 */
export function streamSettings(env: Record<string, string | undefined> = process.env): StreamSettings {
  const positive = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return { perKey: positive(env.SDK_STREAMS_PER_KEY, 100), keepAliveMs: positive(env.SDK_STREAM_KEEPALIVE_MS, 15_000) };
}

/**
 * The open streams per key: admits a new one only under the per-key limit, and closes every
 * stream of a key when that key is revoked in this process.
 */
export class StreamRegistry {
  readonly #perKey: number;
  readonly #byKey = new Map<number, Set<() => void>>();

  constructor(perKey: number) {
    this.#perKey = perKey;
    onKeyRevoked((keyId) => {
      for (const close of [...(this.#byKey.get(keyId) ?? [])]) close();
    });
  }

  /**
   * Registers a stream of `keyId` with the function that closes it; returns the function that
   * unregisters it, or null when the key already holds its limit of streams.
   */
  admit(keyId: number, close: () => void): (() => void) | null {
    const open = this.#byKey.get(keyId) ?? new Set();
    if (open.size >= this.#perKey) return null;
    open.add(close);
    this.#byKey.set(keyId, open);
    return () => {
      open.delete(close);
      if (open.size === 0) this.#byKey.delete(keyId);
    };
  }

  /** Open streams of a key. */
  count(keyId: number): number {
    return this.#byKey.get(keyId)?.size ?? 0;
  }
}
