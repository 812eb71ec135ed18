import type Database from 'better-sqlite3';
import type { ExperimentStatus, TargetingCondition } from '../../calendar/model.ts';
import { now as serverNow } from '../../calendar/clock.ts';
import { onExperimentChanged } from '../../calendar/lifecycle/change-hooks.ts';
import { configFor, type ExperimentConfig } from './evaluate.ts';

type ExperimentRow = {
  id: number; key: string; status: ExperimentStatus; seed: string | null; hashVersion: number; coverage: number;
  targeting: string; forcedVariants: string; rolloutVariantKey: string | null;
  layerKey: string | null; layerStart: number | null; layerEnd: number | null; startedAtMs: number | null;
};
type VariantRow = { experimentId: number; key: string; weight: number; isControl: number };

/** How long a loaded config is trusted at most, for writes that did not announce themselves. */
const maxAgeMs = 2_000;

/**
 * Every experiment's assignment config, in memory. Reloaded (all of it: a few hundred rows)
 * when any experiment changes (`notifyExperimentChanged` in calendar/lifecycle), when another
 * process wrote the database (`PRAGMA data_version`, checked every 100 ms), or after two seconds at most.
 * Time is read from `options.now` (default: the server clock of calendar/clock.ts); a clock
 * that went back reloads.
 */
export class ExperimentConfigCache {
  readonly #client: Database.Database;
  readonly #dataVersion: Database.Statement;
  readonly #now: () => number;
  #byKey = new Map<string, ExperimentConfig>();
  #active: ExperimentConfig[] = [];
  #loadedAtMs = -Infinity;
  #loadedDataVersion = -1;
  #stale = true;
  #versionCheckedAtMs = -Infinity;

  constructor(client: Database.Database, options: { now?: () => number } = {}) {
    this.#client = client;
    this.#now = options.now ?? serverNow;
    this.#dataVersion = client.prepare('PRAGMA data_version').pluck();
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
      // Other processes' writes: asking SQLite costs a statement, so ask at most every 100 ms.
      if (now - this.#versionCheckedAtMs < 100) return;
      this.#versionCheckedAtMs = now;
      if (this.#dataVersion.get() === this.#loadedDataVersion) return;
    }
    this.#loadedDataVersion = this.#dataVersion.get() as number;
    const rows = this.#client.prepare(`
      select e.id, e.key, e.status, e.seed, e.hash_version as hashVersion, e.coverage, e.targeting,
             e.forced_variants as forcedVariants, e.rollout_variant_key as rolloutVariantKey,
             l.key as layerKey, e.layer_start as layerStart, e.layer_end as layerEnd, e.started_at_ms as startedAtMs
      from experiments e left join layers l on l.id = e.layer_id`).all() as ExperimentRow[];
    const variants = this.#client.prepare(`
      select experiment_id as experimentId, key, weight, is_control as isControl
      from variants order by experiment_id, position`).all() as VariantRow[];
    const byExperiment = new Map<number, VariantRow[]>();
    for (const v of variants) {
      const list = byExperiment.get(v.experimentId) ?? [];
      list.push(v);
      byExperiment.set(v.experimentId, list);
    }
    const byKey = new Map<string, ExperimentConfig>();
    for (const row of rows) {
      byKey.set(row.key, configFor({
        ...row,
        targeting: JSON.parse(row.targeting) as TargetingCondition[],
        forcedVariants: JSON.parse(row.forcedVariants) as Record<string, string>,
        variants: (byExperiment.get(row.id) ?? []).map((v) => ({ key: v.key, weight: v.weight, isControl: v.isControl === 1 }))
      }));
    }
    this.#byKey = byKey;
    this.#active = [...byKey.values()].filter((c) => c.status === 'running' || c.rolloutVariantKey !== null &&
      (c.status === 'concluded' || c.status === 'promoted'));
    this.#loadedAtMs = now;
    this.#stale = false;
  }
}

const caches = new WeakMap<Database.Database, ExperimentConfigCache>();

/** The one config cache of a connection. */
export function configCacheFor(client: Database.Database): ExperimentConfigCache {
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new ExperimentConfigCache(client)));
  return cache;
}
