import type { AssignConfigSource } from '../../db/store/assign-configs.ts';
import { now as serverNow } from '../../calendar/clock.ts';
import { onExperimentChanged } from '../../calendar/lifecycle/change-hooks.ts';
import { configFor, type ExperimentConfig } from './evaluate.ts';

/** How long a loaded config is trusted at most, for writes that did not announce themselves. */
const maxAgeMs = 2_000;

/**
 * Every experiment's assignment config, in memory. Reloaded (all of it: a few hundred rows)
 * when any experiment changes (`notifyExperimentChanged` in calendar/lifecycle), when another
 * process wrote the database (the source's `dataVersion`, SQLite's `PRAGMA data_version`, checked
 * every 100 ms), or after two seconds at most. The rows come from the engine
 * (`AssignConfigSource`: db/sqlite/assign-configs.ts; api/engine `sqliteConfigCache` pairs them).
 * Time is read from `options.now` (default: the server clock of calendar/clock.ts); a clock
 * that went back reloads.
 */
export class ExperimentConfigCache {
  readonly #source: AssignConfigSource;
  readonly #now: () => number;
  #byKey = new Map<string, ExperimentConfig>();
  #active: ExperimentConfig[] = [];
  #loadedAtMs = -Infinity;
  #loadedDataVersion = -1;
  #stale = true;
  #versionCheckedAtMs = -Infinity;

  constructor(source: AssignConfigSource, options: { now?: () => number } = {}) {
    this.#source = source;
    this.#now = options.now ?? serverNow;
    onExperimentChanged(() => { this.#stale = true; });
  }

  /** Marks the cache stale; the next read reloads. */
  invalidate(): void {
    this.#stale = true;
  }

  /** The config of one experiment, or undefined when no experiment has this key. */
  get(key: string): ExperimentConfig | undefined {
    this.#refresh();
    return this.#byKey.get(key);
  }

  /** Running experiments and concluded ones with a rolled-out winner: what an app should evaluate. */
  active(): readonly ExperimentConfig[] {
    this.#refresh();
    return this.#active;
  }

  #refresh(): void {
    const now = this.#now();
    if (!this.#stale && now >= this.#loadedAtMs && now - this.#loadedAtMs < maxAgeMs) {
      // Other processes' writes: asking the database costs a statement, so ask at most every 100 ms.
      if (now - this.#versionCheckedAtMs < 100) return;
      this.#versionCheckedAtMs = now;
      if (this.#source.dataVersion() === this.#loadedDataVersion) return;
    }
    this.#loadedDataVersion = this.#source.dataVersion();
    const byKey = new Map<string, ExperimentConfig>();
    for (const row of this.#source.rows()) byKey.set(row.key, configFor(row));
    this.#byKey = byKey;
    this.#active = [...byKey.values()].filter((c) => c.status === 'running' || c.rolloutVariantKey !== null &&
      (c.status === 'concluded' || c.status === 'promoted'));
    this.#loadedAtMs = now;
    this.#stale = false;
  }
}
