import { timingSafeEqual } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { createEvents, type DateArray, type EventAttributes } from 'ics';
import type { Db } from '../../db/connection.ts';
import { experiments, plans } from '../../db/schema.ts';
import { addDaysIso } from '../dates.ts';
import { NotFoundError } from '../errors.ts';

const dateArray = (iso: string): DateArray => iso.split('-').map(Number) as DateArray;

function sameToken(given: string, expected: string | null): boolean {
  if (!expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The plan as an iCalendar (RFC 5545) feed, written by the `ics` package: each experiment's
 * run is an all-day event from its start date through its last day, and its review is a
 * separate all-day event on the day after. UIDs are stable, so calendar apps update events
 * in place when dates move. A wrong token answers exactly like a missing plan.
 * @example planCalendarIcs(db, 1, token, { baseUrl: 'https://experiments.example.com' })
 */
export function planCalendarIcs(db: Db, planId: number, token: string, options: { baseUrl?: string } = {}): string {
  const plan = db.select().from(plans).where(eq(plans.id, planId)).get();
  if (!plan || !sameToken(token, plan.calendarToken)) throw new NotFoundError('plan', planId);
  const rows = db.select().from(experiments).where(eq(experiments.planId, planId))
    .orderBy(asc(experiments.startDate), asc(experiments.id)).all().filter((e) => e.startDate);
  const base = options.baseUrl ?? '';
  const events: EventAttributes[] = rows.flatMap((e) => {
    const end = addDaysIso(e.startDate!, e.durationDays); // exclusive end of the run = review day
    const url = `${base}/experiments/${e.key}`;
    const status = e.status === 'draft' ? 'TENTATIVE' : 'CONFIRMED';
    const description = [
      e.hypothesis && `Hypothesis: ${e.hypothesis}`, `Status: ${e.status}`, `Channels: ${e.channels.join(', ') || '—'}`,
      `Audience: ${e.audience ?? 'everyone'}`, e.owner && `Owner: ${e.owner}`, url
    ].filter(Boolean).join('\n');
    return [
      { uid: `${e.key}-run@weekly-experiments`, title: `${e.name} (week ${e.week ?? '—'})`, start: dateArray(e.startDate!), end: dateArray(end),
        description, url, status, categories: ['experiment', ...e.channels], transp: 'TRANSPARENT', busyStatus: 'FREE' },
      { uid: `${e.key}-review@weekly-experiments`, title: `Review: ${e.name}`, start: dateArray(end), end: dateArray(addDaysIso(end, 1)),
        description: `Read the report and record a decision: ${base}/experiments/${e.key}/report`, url: `${base}/experiments/${e.key}/report`,
        status, categories: ['review'], transp: 'TRANSPARENT', busyStatus: 'FREE' }
    ] satisfies EventAttributes[];
  });
  const header = { productId: 'weekly-experiments/ics', calName: plan.name };
  if (events.length === 0) {
    // `ics` refuses an empty list; an empty VCALENDAR is still a valid feed.
    return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'CALSCALE:GREGORIAN', `PRODID:${header.productId}`, `X-WR-CALNAME:${plan.name}`, 'END:VCALENDAR', ''].join('\r\n');
  }
  const { error, value } = createEvents(events, header);
  if (error || !value) throw new Error(`could not write the calendar of plan ${planId}`, { cause: error });
  return value;
}
