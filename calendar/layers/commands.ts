import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { experiments, layers } from '../../db/schema.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError } from '../errors.ts';

export const createLayerInput = z.object({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'layer keys are letters, digits, "-", "_" or "."').max(100),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional()
}).strict();
export type LayerRow = typeof layers.$inferSelect;
export type LayerSummary = LayerRow & { experiments: Array<{ key: string; status: string; layerStart: number | null; layerEnd: number | null }> };

/**
 * Creates a mutually exclusive layer; experiments name it with `layer` and a `layerRange` slice.
 * @example createLayer(db, { key: 'email', name: 'Email sends' }, { actor: 'ana', nowMs })
 */
export function createLayer(db: Db, raw: z.input<typeof createLayerInput>, ctx: CommandContext): LayerRow {
  const input = createLayerInput.parse(raw);
  return db.transaction((tx) => {
    if (tx.select({ id: layers.id }).from(layers).where(eq(layers.key, input.key)).get()) {
      throw new ConflictError(`a layer with key '${input.key}' already exists`);
    }
    const row = tx.insert(layers).values({ ...input, createdAtMs: ctx.nowMs }).returning().get();
    recordAudit(tx, { actor: ctx.actor, action: 'layer.create', entityType: 'layer', entityId: input.key, atMs: ctx.nowMs });
    return row;
  }, { behavior: 'immediate' });
}

/** Layers with the experiments in them and their slices. */
export function listLayers(db: Db): LayerSummary[] {
  const members = db.select({
    layerId: experiments.layerId, key: experiments.key, status: experiments.status,
    layerStart: experiments.layerStart, layerEnd: experiments.layerEnd
  }).from(experiments).where(sql`${experiments.layerId} is not null`).orderBy(asc(experiments.layerStart)).all();
  return db.select().from(layers).orderBy(asc(layers.key)).all().map((l) => ({
    ...l, experiments: members.filter((m) => m.layerId === l.id).map(({ layerId: _id, ...m }) => m)
  }));
}
