import { timingSafeEqual } from 'node:crypto';
import { createEvents, type DateArray, type EventAttributes } from 'ics';
import type { Data } from '../../db/store/index.ts';
import { addDaysIso } from '../dates.ts';
import { icsLine, icsText } from '../escape.ts';
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
 * @example await planCalendarIcs(data, 1, token, { baseUrl: 'https://experiments.example.com' })
 */
export async function planCalendarIcs(data: Data, planId: number, token: string, options: { baseUrl?: string } = {}): Promise<string> {
  const plan = await data.plans.byId(planId);
  if (!plan || !sameToken(token, plan.calendarToken)) throw new NotFoundError('plan', planId);
  // By start date, then id (ISO dates compare as text).
  const rows = (await data.experiments.list({ planId, hasStartDate: true }))
    .sort((a, b) => (a.startDate! < b.startDate! ? -1 : a.startDate! > b.startDate! ? 1 : a.id - b.id));
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
  // `ics` escapes line breaks in the calendar name but not ';' or ',' (RFC 5545 §3.3.11): escape it here.
  const header = { productId: 'weekly-experiments/ics', calName: icsText(plan.name) };
  if (events.length === 0) {
    // `ics` refuses an empty list; an empty VCALENDAR is still a valid feed.
    return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'CALSCALE:GREGORIAN', `PRODID:${header.productId}`, icsLine('X-WR-CALNAME', plan.name), 'END:VCALENDAR', ''].join('\r\n');
  }
  const { error, value } = createEvents(events, header);
  if (error || !value) throw new Error(`could not write the calendar of plan ${planId}`, { cause: error });
  return value;
}
