import { createHash } from 'node:crypto';
import type { Data } from '../../db/store/index.ts';
import { onExperimentChanged } from '../../calendar/lifecycle/change-hooks.ts';
import { buildFeatures, type FeatureApiResponse, type PayloadSource } from './payload.ts';

/** The payload as served: its bytes, their ETag and the `dateUpdated` inside. */
export type PayloadSnapshot = { body: string; etag: string; dateUpdated: string };

export type PayloadCacheOptions = {
  /** Clock for `dateUpdated` (default Date.now). */
  now?: () => number;
  /** A served payload older than this is rebuilt in the background, for writes by other processes (default 2 s). */
  maxAgeMs?: number;
  /** While someone listens (SDK streams), the payload is rebuilt this often to catch other processes' writes (default 500 ms). */
  pollMs?: number;
};

/**
 * The SDK payload, built from the stores once per change and served from memory.
 * A change announced in this process (`onExperimentChanged`) rebuilds it at once; other
 * processes' writes are caught by a rebuild when the payload is older than `maxAgeMs` (served
 * stale meanwhile) and, while streams listen, every `pollMs`. A rebuild that gives the same
 * features keeps the same bytes, `dateUpdated` and ETag; a different one tells the listeners.
 */
export class PayloadCache {
  readonly #data: Data;
  readonly #now: () => number;
  readonly #maxAgeMs: number;
  readonly #pollMs: number;
  readonly #listeners = new Set<(snapshot: PayloadSnapshot) => void>();
  #snapshot: PayloadSnapshot | null = null;
  #featuresJson = '';
  #builtAtMs = -Infinity;
  #dateUpdatedMs = 0;
  /** A change was announced since the last build started. */
  #dirty = true;
  #building: Promise<void> | null = null;
  #poll: NodeJS.Timeout | null = null;

  constructor(data: Data, options: PayloadCacheOptions = {}) {
    this.#data = data;
    this.#now = options.now ?? Date.now;
    this.#maxAgeMs = options.maxAgeMs ?? 2_000;
    this.#pollMs = options.pollMs ?? 500;
    onExperimentChanged(() => {
      this.#dirty = true;
      // After the current task: the change's own transaction has then ended.
      if (this.#listeners.size > 0) setTimeout(() => void this.refresh().catch(logFailure), 0);
    });
  }

  /**
   * The current payload. Waits for a build only when there is none yet or a change was
   * announced; a merely old one is served while a rebuild runs.
   */
  async current(): Promise<PayloadSnapshot> {
    if (!this.#snapshot || this.#dirty) await this.refresh();
    else if (Date.now() - this.#builtAtMs > this.#maxAgeMs) void this.refresh().catch(logFailure);
    return this.#snapshot!;
  }

  /**
   * The current payload when it can be served without waiting (built, and no change announced
   * since), else null; an old one is returned and rebuilt in the background, as `current` does.
   * @example const snapshot = cache.peek(); if (snapshot) res.end(snapshot.body);
   */
  peek(): PayloadSnapshot | null {
    if (!this.#snapshot || this.#dirty) return null;
    if (Date.now() - this.#builtAtMs > this.#maxAgeMs) void this.refresh().catch(logFailure);
    return this.#snapshot;
  }

  /** Rebuilds now (joins a rebuild under way, and runs once more if a change came in during it). */
  refresh(): Promise<void> {
    this.#building ??= (async () => {
      try {
        do {
          this.#dirty = false;
          this.#apply(buildFeatures(await loadSources(this.#data)));
        } while (this.#dirty);
      } finally {
        this.#building = null;
      }
    })();
    return this.#building;
  }

  /**
   * Calls `listener` with every new payload until the returned function is called.
   * @example const off = cache.subscribe((s) => stream.send(s.body));
   */
  subscribe(listener: (snapshot: PayloadSnapshot) => void): () => void {
    this.#listeners.add(listener);
    this.#poll ??= setInterval(() => void this.refresh().catch(logFailure), this.#pollMs).unref();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#poll) { clearInterval(this.#poll); this.#poll = null; }
    };
  }

  #apply(features: FeatureApiResponse['features']): void {
    this.#builtAtMs = Date.now();
    const featuresJson = JSON.stringify(features);
    if (this.#snapshot && featuresJson === this.#featuresJson) return;
    // Strictly increasing: SDKs keep a payload whose dateUpdated they already have.
    this.#dateUpdatedMs = Math.max(this.#now(), this.#dateUpdatedMs + 1);
    const dateUpdated = new Date(this.#dateUpdatedMs).toISOString();
    const body = `{"features":${featuresJson},"dateUpdated":"${dateUpdated}"}`;
    this.#featuresJson = featuresJson;
    this.#snapshot = { body, dateUpdated, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
    for (const listener of this.#listeners) {
      try { listener(this.#snapshot); } catch (err) { console.error('SDK payload listener failed', err); }
    }
  }
}

function logFailure(error: unknown): void {
  console.error('SDK payload rebuild failed', error);
}

/** Every experiment with its variants, its layer's key and its plan's holdout. */
async function loadSources(data: Data): Promise<PayloadSource[]> {
  const [experiments, layers, plans] = await Promise.all([data.experiments.list(), data.layers.list(), data.plans.list()]);
  const layerKeys = new Map(layers.map((l) => [l.id, l.key]));
  const holdouts = new Map(plans.filter((p) => p.holdoutShare > 0).map((p) => [p.id, { share: p.holdoutShare, seed: p.holdoutSeed ?? `plan-${p.id}` }]));
  return Promise.all(experiments.map(async (experiment) => ({
    experiment,
    variants: await data.experiments.variants(experiment.id),
    layerKey: experiment.layerId === null ? null : layerKeys.get(experiment.layerId) ?? null,
    holdout: experiment.planId === null ? null : holdouts.get(experiment.planId) ?? null
  })));
}

const caches = new WeakMap<Data, PayloadCache>();

/**
 * The one payload cache of a data seam.
 * @example const { body, etag } = await payloadCacheFor(deps.data).current();
 */
export function payloadCacheFor(data: Data, options?: PayloadCacheOptions): PayloadCache {
  let cache = caches.get(data);
  if (!cache) caches.set(data, (cache = new PayloadCache(data, options)));
  return cache;
}
