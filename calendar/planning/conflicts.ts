/** The fields a conflict check reads from an experiment. */
export type Schedulable = {
  key: string; name: string; status: string; channels: string[]; audience: string | null;
  startDate: string | null; endDate: string | null; layerId: number | null;
};

/** Two experiments that reach the same users; `names` are what the planner reads, `keys` what links use. */
export type Conflict = { keys: [string, string]; names: [string, string]; channels: string[]; audience: string; from: string; to: string };

/** Statuses that still occupy their dates; stopped and later ones have released them. */
const ACTIVE = new Set(['draft', 'scheduled', 'running']);

/** No audience means everyone, which overlaps every audience. */
function audiencesOverlap(a: string | null, b: string | null): boolean {
  const norm = (x: string | null) => (x ?? '').trim().toLowerCase();
  return norm(a) === '' || norm(b) === '' || norm(a) === norm(b);
}

/**
 * Pairs of experiments that would reach the same users through the same channel at the same
 * time: overlapping dates, a shared channel, overlapping audiences, and not already split by
 * one mutually exclusive layer.
 * @example findConflicts([a, b]) // [{ keys: ['a', 'b'], names: ['A', 'B'], channels: ['email'], audience: 'everyone', from: '2026-12-07', to: '2026-12-13' }]
 */
export function findConflicts(list: Schedulable[]): Conflict[] {
  const live = list.filter((e) => ACTIVE.has(e.status) && e.startDate && e.endDate);
  const out: Conflict[] = [];
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const [a, b] = [live[i]!, live[j]!];
      if (a.layerId !== null && a.layerId === b.layerId) continue;
      const from = a.startDate! > b.startDate! ? a.startDate! : b.startDate!;
      const to = a.endDate! < b.endDate! ? a.endDate! : b.endDate!;
      if (from > to) continue;
      const channels = a.channels.filter((c) => b.channels.includes(c));
      if (!channels.length || !audiencesOverlap(a.audience, b.audience)) continue;
      out.push({ keys: [a.key, b.key], names: [a.name, b.name], channels, audience: a.audience ?? b.audience ?? 'everyone', from, to });
    }
  }
  return out;
}
