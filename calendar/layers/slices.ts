import type { Data } from '../../db/store/index.ts';
import type { Experiment } from '../model.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { endDateOf } from '../experiments/queries.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';

/** A part of a layer's traffic, [start, end) as fractions of 0..1. */
export type Slice = [number, number];

/** Statuses that still hold their slice: a slice they share at the same time would give users both. */
const HOLDING = new Set(['draft', 'scheduled', 'running']);

const pct = (x: number) => `${Number((x * 100).toFixed(2))}%`;

/**
 * Why a slice is not usable, in the planner's words, or null when it is: both ends between 0 and
 * 100% and the start below the end.
 * @example sliceProblem([0.5, 0.25]) // 'the start (50%) must be below the end (25%)'
 */
export function sliceProblem([start, end]: Slice): string | null {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return 'both ends must be numbers between 0 and 100%';
  if (start < 0 || end > 1) return 'both ends must be between 0 and 100%';
  if (start >= end) return `the start (${pct(start)}) must be below the end (${pct(end)})`;
  return null;
}

type Member = Pick<Experiment, 'key' | 'name' | 'status' | 'startDate' | 'durationDays'> & { slice: Slice };

/**
 * Pairs of members that would share users: both still hold their slice, their dates overlap
 * (no dates yet counts as overlapping, as the run could fall anywhere) and their slices overlap.
 * @example sliceClashes([{ key: 'a', slice: [0, 0.5], ... }, { key: 'b', slice: [0.4, 1], ... }]) // [['a', 'b']]
 */
export function sliceClashes(members: Member[]): Array<[Member, Member]> {
  const live = members.filter((m) => HOLDING.has(m.status));
  const out: Array<[Member, Member]> = [];
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const [a, b] = [live[i]!, live[j]!];
      const [aEnd, bEnd] = [endDateOf(a), endDateOf(b)];
      const datesApart = a.startDate && b.startDate && aEnd && bEnd && (aEnd < b.startDate || bEnd < a.startDate);
      if (datesApart) continue;
      if (a.slice[0] < b.slice[1] && b.slice[0] < a.slice[1]) out.push([a, b]);
    }
  }
  return out;
}

/**
 * Gives experiments of one layer new slices. Only while nothing in the layer runs: a running
 * experiment's users would move to other variants or experiments. Members not listed keep
 * their slice; members that overlap in time may not share traffic.
 * @example await setLayerSlices(data, 'email', { 'w01-a': [0, 0.5], 'w02-b': [0.5, 1] }, { actor: 'ana', nowMs })
 */
export async function setLayerSlices(data: Data, layerKey: string, slices: Record<string, Slice>, ctx: CommandContext): Promise<void> {
  const changed = await data.transaction(async (tx) => {
    const layer = await tx.layers.byKey(layerKey);
    if (!layer) throw new NotFoundError('layer', layerKey);
    const members = await tx.experiments.list({ layerId: layer.id });
    const running = members.find((m) => m.status === 'running');
    if (running) throw new ConflictError(`“${running.name}” is running in layer ${layer.name}; slices change only while nothing in the layer runs`);
    for (const [key, slice] of Object.entries(slices)) {
      const member = members.find((m) => m.key === key);
      if (!member) throw new InvalidInputError(`experiment '${key}' is not in layer ${layer.name}`);
      const problem = sliceProblem(slice);
      if (problem) throw new InvalidInputError(`slice of “${member.name}”: ${problem}`);
    }
    const next = members.map((m) => ({ ...m, slice: slices[m.key] ?? [m.layerStart ?? 0, m.layerEnd ?? 1] as Slice }));
    const clash = sliceClashes(next)[0];
    if (clash) {
      throw new ConflictError(`“${clash[0].name}” and “${clash[1].name}” run at the same time and would share users ` +
        `(${pct(clash[0].slice[0])}–${pct(clash[0].slice[1])} and ${pct(clash[1].slice[0])}–${pct(clash[1].slice[1])}); give them slices that do not overlap`);
    }
    const keys: string[] = [];
    for (const m of next) {
      if (m.slice[0] === (m.layerStart ?? 0) && m.slice[1] === (m.layerEnd ?? 1)) continue;
      await tx.experiments.update(m.id, { layerStart: m.slice[0], layerEnd: m.slice[1], updatedAtMs: ctx.nowMs });
      await recordAudit(tx, { actor: ctx.actor, action: 'experiment.layer', entityType: 'experiment', entityId: m.key, atMs: ctx.nowMs,
        details: { layer: layer.key, from: [m.layerStart, m.layerEnd], to: m.slice } });
      keys.push(m.key);
    }
    return keys;
  });
  for (const key of changed) notifyExperimentChanged(key);
}

/**
 * Removes a layer no experiment uses (any status: a finished experiment's report still names
 * its layer). Audit-logged.
 * @example await deleteLayer(data, 'exclusive-w01-onboarding', { actor: 'ana', nowMs })
 */
export async function deleteLayer(data: Data, layerKey: string, ctx: CommandContext): Promise<void> {
  await data.transaction(async (tx) => {
    const layer = await tx.layers.byKey(layerKey);
    if (!layer) throw new NotFoundError('layer', layerKey);
    const members = await tx.experiments.list({ layerId: layer.id });
    if (members.length) {
      throw new ConflictError(`layer ${layer.name} still holds ${members.length} experiment${members.length === 1 ? '' : 's'}; only empty layers can be removed`);
    }
    await tx.layers.delete(layer.id);
    await recordAudit(tx, { actor: ctx.actor, action: 'layer.delete', entityType: 'layer', entityId: layer.key, atMs: ctx.nowMs, details: { name: layer.name } });
  });
}
