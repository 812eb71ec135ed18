import type { Data } from '../../db/store/index.ts';
import type { PlaybookEntry } from '../model.ts';

export type PlaybookItem = PlaybookEntry & { experimentKey: string | null; channels: string[] };
export type PlaybookGroup = {
  channel: string;
  stages: Array<{ stage: string; entries: PlaybookItem[] }>;
  /** "What we know works" for this channel: wins and the median lift on their primary metric. */
  summary: { wins: number; medianLift: number | null };
};

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Playbook entries, newest first, optionally filtered by a search over title, what was tested,
 * learning, audience, channel and stage (case-insensitive).
 * @example await listPlaybook(data, { q: 'email' })
 */
export async function listPlaybook(data: Data, filter: { q?: string } = {}): Promise<PlaybookItem[]> {
  const rows = await data.playbook.list(filter);
  return rows.map(({ experimentChannels, ...entry }) => ({
    ...entry, channels: experimentChannels ?? (entry.channel ? [entry.channel] : [])
  }));
}

/** Entries grouped by channel, then lifecycle stage, each channel with its combined picture. */
export function groupPlaybook(items: PlaybookItem[]): PlaybookGroup[] {
  const byChannel = new Map<string, PlaybookItem[]>();
  for (const item of items) {
    const channel = item.channel ?? 'any channel';
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), item]);
  }
  return [...byChannel.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([channel, entries]) => {
    const byStage = new Map<string, PlaybookItem[]>();
    for (const e of entries) byStage.set(e.lifecycleStage ?? 'any stage', [...(byStage.get(e.lifecycleStage ?? 'any stage') ?? []), e]);
    return {
      channel,
      stages: [...byStage.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([stage, list]) => ({ stage, entries: list })),
      summary: { wins: entries.length, medianLift: median(entries.flatMap((e) => (e.relativeLift === null ? [] : [e.relativeLift]))) }
    };
  });
}

/**
 * The playbook entry of an experiment, or null before it was promoted.
 * @example (await playbookEntryOf(data, 7))?.title
 */
export async function playbookEntryOf(data: Data, experimentId: number): Promise<PlaybookEntry | null> {
  return data.playbook.byExperiment(experimentId);
}
