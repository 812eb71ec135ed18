import type { Data } from '../../db/store/index.ts';
import type { PlaybookEntry } from '../model.ts';
import { overrideText } from '../reports/format.ts';

export type PlaybookItem = PlaybookEntry & {
  experimentKey: string | null; channels: string[];
  /** The experiment ran without pre-registered success criteria. */
  exploratory: boolean;
  /** "Reviewer: Ship — computed: Inconclusive" when the reviewer's decision differs from the computed one, with their rationale. */
  override: { text: string; rationale: string | null } | null;
};
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
  return Promise.all(rows.map(async ({ experimentChannels, ...entry }) => {
    // A playbook is a few dozen entries: two small reads each keep the card's context honest.
    const [experiment, decision] = entry.experimentId === null ? [null, null]
      : await Promise.all([data.experiments.byId(entry.experimentId), data.decisions.latest(entry.experimentId)]);
    const text = decision ? overrideText(decision.computedDecision, [], decision.finalDecision) : null;
    return {
      ...entry, channels: experimentChannels ?? (entry.channel ? [entry.channel] : []),
      exploratory: experiment?.registration?.exploratory ?? experiment?.exploratory ?? false,
      override: text ? { text, rationale: decision!.rationale } : null
    };
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
