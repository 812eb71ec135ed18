/**
 * Throttles failed authentication per client address (bad API keys, wrong UI_PASSWORD):
 * after `limit` failures within `windowMs`, that address gets 429 with `Retry-After` until the
 * window ends. Only failures count, so valid keys are never slowed; memory is bounded (the
 * oldest addresses are forgotten first).
 */
export type ThrottleOptions = { limit?: number; windowMs?: number; maxAddresses?: number };

type Window = { startMs: number; failures: number };

export class FailureThrottle {
  readonly limit: number;
  readonly windowMs: number;
  readonly #maxAddresses: number;
  readonly #windows = new Map<string, Window>();

  constructor(options: ThrottleOptions = {}) {
    this.limit = options.limit ?? 20;
    this.windowMs = options.windowMs ?? 60_000;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
  }

  /**
   * Seconds until `address` may try again, or 0 when it is not blocked.
   * @example throttle.retryAfterSeconds('203.0.113.7', Date.now()) // 0
   */
  retryAfterSeconds(address: string, nowMs: number): number {
    const w = this.#windows.get(address);
    if (!w || w.failures < this.limit) return 0;
    const left = w.startMs + this.windowMs - nowMs;
    if (left <= 0) { this.#windows.delete(address); return 0; }
    return Math.ceil(left / 1000);
  }

  /** Counts one failed attempt of `address`. */
  fail(address: string, nowMs: number): void {
    let w = this.#windows.get(address);
    if (!w || nowMs - w.startMs >= this.windowMs) {
      this.#windows.delete(address); // re-inserted last: the map's order is the eviction order
      w = { startMs: nowMs, failures: 0 };
      if (this.#windows.size >= this.#maxAddresses) this.#windows.delete(this.#windows.keys().next().value!);
      this.#windows.set(address, w);
    }
    w.failures++;
  }

  /** How many addresses are being counted (bounded by `maxAddresses`). */
  get size(): number {
    return this.#windows.size;
  }
}
