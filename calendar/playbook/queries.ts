import { desc, eq, like, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experiments, playbookEntries } from '../../db/schema.ts';

export type PlaybookItem = typeof playbookEntries.$inferSelect & { experimentKey: string | null; channels: string[] };
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
 * @example listPlaybook(db, { q: 'email' })
 */
export function listPlaybook(db: Db, filter: { q?: string } = {}): PlaybookItem[] {
  const where: SQL[] = [];
  const q = filter.q?.trim();
  if (q) {
    const pattern = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const cols = [playbookEntries.title, playbookEntries.whatWasTested, playbookEntries.learning, playbookEntries.audience,
      playbookEntries.channel, playbookEntries.lifecycleStage, playbookEntries.winningVariantKey, playbookEntries.metricKey];
    where.push(or(...cols.map((c) => like(c, pattern)))!);
  }
  return db.select({ entry: playbookEntries, experimentKey: experiments.key, channels: experiments.channels })
    .from(playbookEntries).leftJoin(experiments, eq(experiments.id, playbookEntries.experimentId))
    .where(where[0]).orderBy(desc(playbookEntries.createdAtMs), desc(playbookEntries.id)).all()
    .map((r) => ({ ...r.entry, experimentKey: r.experimentKey, channels: r.channels ?? (r.entry.channel ? [r.entry.channel] : []) }));
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
 * @example playbookEntryOf(db, 7)?.title
 */
export function playbookEntryOf(db: Db, experimentId: number): typeof playbookEntries.$inferSelect | null {
  return db.select().from(playbookEntries).where(eq(playbookEntries.experimentId, experimentId)).get() ?? null;
}
