/**
 * The assignment config cache on PostgreSQL: every experiment's config in memory, as SQLite's
 * `ExperimentConfigCache` (api/assign/config-cache.ts) keeps it, loaded with one query
 * (db/postgres/assign-configs.ts). Stale when this process changes an experiment
 * (`onExperimentChanged`) or after one second (changes made by another replica); a request
 * awaits `fresh()` first, so it never reads a config older than that.
 */
import type pg from 'pg';
import { assignConfigRows } from '../../db/postgres/assign-configs.ts';
import { onExperimentChanged } from '../../calendar/lifecycle/change-hooks.ts';
import { configFor, type ExperimentConfig } from '../assign/evaluate.ts';

/** How long a loaded config is trusted at most (another replica's change shows within it). */
const maxAgeMs = 1_000;

export class PostgresConfigCache {
  readonly #pool: pg.Pool;
  #byKey = new Map<string, ExperimentConfig>();
  #active: ExperimentConfig[] = [];
  #loadedAtMs = -Infinity;
  #stale = true;
  #loading: Promise<void> | null = null;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    onExperimentChanged(() => { this.#stale = true; });
  }

  /** Reloads when stale or older than a second (one load shared by concurrent requests). */
  async fresh(): Promise<void> {
    const now = Date.now();
    if (!this.#stale && now >= this.#loadedAtMs && now - this.#loadedAtMs < maxAgeMs) return;
    this.#loading ??= this.#load().finally(() => { this.#loading = null; });
    await this.#loading;
    // A change announced while that load ran may not be in it: load once more.
    if (this.#stale) await this.fresh();
  }

  async #load(): Promise<void> {
    this.#stale = false;
    const startedMs = Date.now();
    const byKey = new Map<string, ExperimentConfig>();
    for (const row of await assignConfigRows(this.#pool)) byKey.set(row.key, configFor(row));
    this.#byKey = byKey;
    this.#active = [...byKey.values()].filter((c) => c.status === 'running' || c.rolloutVariantKey !== null &&
      (c.status === 'concluded' || c.status === 'promoted'));
    this.#loadedAtMs = startedMs;
  }

  /** The config of one experiment as of the last `fresh()`, or undefined. */
  get(key: string): ExperimentConfig | undefined {
    return this.#byKey.get(key);
  }

  /** Running experiments and concluded ones with a rolled-out winner, as of the last `fresh()`. */
  active(): readonly ExperimentConfig[] {
    return this.#active;
  }

  invalidate(): void {
    this.#stale = true;
  }
}
