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

/** Every registry of this process, so that shutdown can end all their streams. */
const registries = new Set<StreamRegistry>();

/**
 * Ends every SDK stream of this process and refuses new ones: on SIGTERM the server calls it,
 * because a stream never ends by itself and would hold the shutdown for its whole grace period.
 * The SDKs see the stream end and reconnect (to another replica, or to this one restarted).
 * @example closeAllStreams(); // api/server.ts, on SIGTERM
 */
export function closeAllStreams(): void {
  for (const registry of registries) registry.closeAll();
}

/**
 * The open streams per key: admits a new one only under the per-key limit, and closes every
 * stream of a key when that key is revoked in this process.
 */
export class StreamRegistry {
  readonly #perKey: number;
  readonly #byKey = new Map<number, Set<() => void>>();
  #closing = false;

  constructor(perKey: number) {
    this.#perKey = perKey;
    onKeyRevoked((keyId) => {
      for (const close of [...(this.#byKey.get(keyId) ?? [])]) close();
    });
    registries.add(this);
  }

  /** True once `closeAll` ran: the process is shutting down and takes no new streams. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Ends every open stream and refuses new ones from now on. */
  closeAll(): void {
    this.#closing = true;
    for (const open of [...this.#byKey.values()]) for (const close of [...open]) close();
  }

  /**
   * Registers a stream of `keyId` with the function that closes it; returns the function that
   * unregisters it, or null when the key already holds its limit of streams (or `closing`).
   */
  admit(keyId: number, close: () => void): (() => void) | null {
    const open = this.#byKey.get(keyId) ?? new Set();
    if (this.#closing || open.size >= this.#perKey) return null;
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
