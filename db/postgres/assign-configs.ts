/**
 * What assignment needs of every experiment, in one query on PostgreSQL: the experiment's
 * assignment fields, its layer's key and its variants in position order (as a JSON array).
 * A few hundred rows; read by the API's config cache (api/engine/postgres-configs.ts).
 */
import type pg from 'pg';
import type { ExperimentStatus, TargetingCondition } from '../../calendar/model.ts';

export type AssignConfigRow = {
  id: number; key: string; status: ExperimentStatus; seed: string | null; hashVersion: number; coverage: number;
  targeting: TargetingCondition[]; forcedVariants: Record<string, string>; rolloutVariantKey: string | null;
  layerKey: string | null; layerStart: number | null; layerEnd: number | null; startedAtMs: number | null;
  variants: Array<{ key: string; weight: number; isControl: boolean }>;
  /** The experiment's plan and that plan's program holdout (share 0: none). */
  planId: number | null; holdoutShare: number; holdoutSeed: string | null;
};

/**
 * Every experiment's assignment config rows.
 * @example const rows = await assignConfigRows(db.$client); rows[0].variants // [{ key: 'control', weight: 0.5, isControl: true }, …]
 */
export async function assignConfigRows(pool: pg.Pool | pg.ClientBase): Promise<AssignConfigRow[]> {
  const { rows } = await pool.query<AssignConfigRow>(`
    SELECT e.id, e.key, e.status, e.seed, e.hash_version AS "hashVersion", e.coverage, e.targeting,
      e.forced_variants AS "forcedVariants", e.rollout_variant_key AS "rolloutVariantKey", l.key AS "layerKey",
      e.layer_start AS "layerStart", e.layer_end AS "layerEnd", e.started_at_ms::float8 AS "startedAtMs",
      e.plan_id AS "planId", coalesce(p.holdout_share, 0) AS "holdoutShare", p.holdout_seed AS "holdoutSeed",
      coalesce((SELECT jsonb_agg(jsonb_build_object('key', v.key, 'weight', v.weight, 'isControl', v.is_control) ORDER BY v.position, v.id)
        FROM variants v WHERE v.experiment_id = e.id), '[]'::jsonb) AS variants
    FROM experiments e LEFT JOIN layers l ON l.id = e.layer_id LEFT JOIN plans p ON p.id = e.plan_id`);
  return rows;
}
