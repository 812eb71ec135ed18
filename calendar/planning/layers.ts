import type { Data } from '../../db/store/index.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';

type Ctx = CommandContext;
const MOVABLE = new Set(['draft', 'scheduled']);

/** The largest part of [0, 1) that no fixed slice covers. */
function largestGap(fixed: Array<[number, number]>): [number, number] {
  const sorted = [...fixed].sort((a, b) => a[0] - b[0]);
  let best: [number, number] = [0, 0];
  let cursor = 0;
  for (const [start, end] of [...sorted, [1, 1] as [number, number]]) {
    if (start - cursor > best[1] - best[0]) best = [cursor, start];
    cursor = Math.max(cursor, end);
  }
  return best;
}

/**
 * Puts experiments into one mutually exclusive layer (GrowthBook namespace), so the
 * assignment API never gives a user more than one of them. Uses the layer one of them is
 * already in, else creates one. Running members keep their slice; the others share the
 * largest free part of the layer equally.
 * @example await putInOneLayer(data, ['w01-onboarding-ebook-reminder', 'w02-email-subject-line'], { actor: 'ana', nowMs })
 */
export async function putInOneLayer(data: Data, keys: string[], ctx: Ctx): Promise<{ layerKey: string; slices: Record<string, [number, number]> }> {
  const unique = [...new Set(keys)];
  if (unique.length < 2) throw new InvalidInputError('give at least two experiments to separate');
  const result = await data.transaction(async (tx) => {
    const rows = await tx.experiments.byKeys(unique);
    const missing = unique.find((k) => !rows.some((r) => r.key === k));
    if (missing) throw new NotFoundError('experiment', missing);
    const layerIds = [...new Set(rows.map((r) => r.layerId).filter((id): id is number => id !== null))];
    if (layerIds.length > 1) throw new ConflictError('these experiments are already in different layers; move one instead');
    let layerId = layerIds[0];
    if (layerId === undefined) {
      const first = rows[0]!;
      layerId = (await tx.layers.insert({
        key: `exclusive-${first.key}`.slice(0, 100), name: `Exclusive: ${rows.map((r) => r.name).join(' / ')}`.slice(0, 200),
        description: 'Created by the planner to keep overlapping experiments on the same channel and audience apart.'
      })).id;
    }
    const layer = (await tx.layers.byId(layerId))!;
    const members = (await tx.experiments.list({ layerId }))
      .filter((m) => ['draft', 'scheduled', 'running'].includes(m.status));
    const all = [...members, ...rows.filter((r) => !members.some((m) => m.id === r.id))];
    const fixed = all.filter((m) => !MOVABLE.has(m.status));
    const movable = all.filter((m) => MOVABLE.has(m.status));
    if (fixed.some((m) => m.layerId !== layerId)) {
      throw new ConflictError(`'${fixed.find((m) => m.layerId !== layerId)!.key}' is already running outside this layer; move the other experiment instead`);
    }
    const [start, end] = largestGap(fixed.map((m) => [m.layerStart ?? 0, m.layerEnd ?? 1]));
    if (end - start < 0.02 * movable.length) throw new ConflictError(`layer '${layer.key}' has no room left; move one experiment instead`);
    const slices: Record<string, [number, number]> = {};
    for (const [i, m] of movable.entries()) {
      const slice: [number, number] = [start + ((end - start) * i) / movable.length, start + ((end - start) * (i + 1)) / movable.length];
      slices[m.key] = slice;
      await tx.experiments.update(m.id, { layerId, layerStart: slice[0], layerEnd: slice[1], updatedAtMs: ctx.nowMs });
      await recordAudit(tx, { actor: ctx.actor, action: 'experiment.layer', entityType: 'experiment', entityId: m.key, atMs: ctx.nowMs,
        details: { layer: layer.key, from: [m.layerStart, m.layerEnd], to: slice } });
    }
    return { layerKey: layer.key, slices };
  });
  for (const key of Object.keys(result.slices)) notifyExperimentChanged(key);
  return result;
}
