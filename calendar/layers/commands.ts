import { z } from 'zod';
import type { Data } from '../../db/store/index.ts';
import type { Layer } from '../model.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError } from '../errors.ts';
import { endDateOf } from '../experiments/queries.ts';

export const createLayerInput = z.object({
  key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'layer keys are letters, digits, "-", "_" or "."').max(100),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional()
}).strict();
export type LayerRow = Layer;
export type LayerSummary = LayerRow & {
  experiments: Array<{ key: string; name: string; status: string; layerStart: number | null; layerEnd: number | null; startDate: string | null; endDate: string | null }>;
};

/**
 * Creates a mutually exclusive layer; experiments name it with `layer` and a `layerRange` slice.
 * @example await createLayer(data, { key: 'email', name: 'Email sends' }, { actor: 'ana', nowMs })
 */
export async function createLayer(data: Data, raw: z.input<typeof createLayerInput>, ctx: CommandContext): Promise<LayerRow> {
  const input = createLayerInput.parse(raw);
  return data.transaction(async (tx) => {
    if (await tx.layers.byKey(input.key)) {
      throw new ConflictError(`a layer with key '${input.key}' already exists`);
    }
    const row = await tx.layers.insert({ ...input, createdAtMs: ctx.nowMs });
    await recordAudit(tx, { actor: ctx.actor, action: 'layer.create', entityType: 'layer', entityId: input.key, atMs: ctx.nowMs });
    return row;
  });
}

/** Layers with the experiments in them and their slices (by slice start). */
export async function listLayers(data: Data): Promise<LayerSummary[]> {
  const result: LayerSummary[] = [];
  for (const l of await data.layers.list()) {
    const members = (await data.experiments.list({ layerId: l.id }))
      .sort((a, b) => (a.layerStart ?? -1) - (b.layerStart ?? -1) || a.id - b.id);
    result.push({ ...l, experiments: members.map((m) => ({
      key: m.key, name: m.name, status: m.status, layerStart: m.layerStart, layerEnd: m.layerEnd, startDate: m.startDate, endDate: endDateOf(m)
    })) });
  }
  return result;
}
