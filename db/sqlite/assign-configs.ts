/**
 * The assignment configs on SQLite (db/store/assign-configs.ts), read synchronously on the
 * request thread's connection: two queries (experiments with their layer's key and plan's holdout, variants in
 * position order) and `PRAGMA data_version`, all prepared once per connection.
 */
import type Database from 'better-sqlite3';
import type { ExperimentStatus, TargetingCondition } from '../../calendar/model.ts';
import type { AssignConfigRow, AssignConfigSource } from '../store/assign-configs.ts';

type ExperimentRow = {
  id: number; key: string; status: ExperimentStatus; seed: string | null; hashVersion: number; coverage: number;
  targeting: string; forcedVariants: string; rolloutVariantKey: string | null;
  layerKey: string | null; layerStart: number | null; layerEnd: number | null; startedAtMs: number | null;
  planId: number | null; holdoutShare: number; holdoutSeed: string | null;
};
type VariantRow = { experimentId: number; key: string; weight: number; isControl: number };

const sources = new WeakMap<Database.Database, AssignConfigSource>();

/**
 * The assignment configs of the database on `client` (one source per connection).
 * @example const rows = sqliteAssignConfigs(db.$client).rows(); rows[0].variants // [{ key: 'control', weight: 0.5, isControl: true }, …]
 */
export function sqliteAssignConfigs(client: Database.Database): AssignConfigSource {
  const existing = sources.get(client);
  if (existing) return existing;
  const dataVersion = client.prepare('PRAGMA data_version').pluck();
  const experiments = client.prepare(`
      select e.id, e.key, e.status, e.seed, e.hash_version as hashVersion, e.coverage, e.targeting,
             e.forced_variants as forcedVariants, e.rollout_variant_key as rolloutVariantKey,
             l.key as layerKey, e.layer_start as layerStart, e.layer_end as layerEnd, e.started_at_ms as startedAtMs,
             e.plan_id as planId, coalesce(p.holdout_share, 0) as holdoutShare, p.holdout_seed as holdoutSeed
      from experiments e left join layers l on l.id = e.layer_id left join plans p on p.id = e.plan_id`);
  const variants = client.prepare(`
      select experiment_id as experimentId, key, weight, is_control as isControl
      from variants order by experiment_id, position`);
  const source: AssignConfigSource = {
    dataVersion: () => dataVersion.get() as number,
    rows(): AssignConfigRow[] {
      const byExperiment = new Map<number, VariantRow[]>();
      for (const v of variants.all() as VariantRow[]) {
        const list = byExperiment.get(v.experimentId) ?? [];
        list.push(v);
        byExperiment.set(v.experimentId, list);
      }
      return (experiments.all() as ExperimentRow[]).map((row) => ({
        ...row,
        targeting: JSON.parse(row.targeting) as TargetingCondition[],
        forcedVariants: JSON.parse(row.forcedVariants) as Record<string, string>,
        variants: (byExperiment.get(row.id) ?? []).map((v) => ({ key: v.key, weight: v.weight, isControl: v.isControl === 1 }))
      }));
    }
  };
  sources.set(client, source);
  return source;
}
