import { addDays, format, nextMonday, parseISO, isMonday, isValid, differenceInCalendarDays, startOfDay } from 'date-fns';
import { z } from 'zod';

/** ISO date (YYYY-MM-DD) of the Monday after `today` (a Monday maps to the following one). */
export function nextMondayIso(today: Date): string {
  return format(nextMonday(today), 'yyyy-MM-dd');
}

/** `isoDate` plus `days`, as an ISO date. */
export function addDaysIso(isoDate: string, days: number): string {
  return format(addDays(parseISO(isoDate), days), 'yyyy-MM-dd');
}

/** Start date of week `week` (1-based) of a plan starting on `planStart`. */
export function weekStartIso(planStart: string, week: number): string {
  return addDaysIso(planStart, (week - 1) * 7);
}

/** Whole calendar days from `fromIso` to `toIso`. */
export function daysBetween(fromIso: string, toIso: string): number {
  return differenceInCalendarDays(parseISO(toIso), parseISO(fromIso));
}

/** Today's ISO date for a clock reading. */
export function isoDay(nowMs: number): string {
  return format(new Date(nowMs), 'yyyy-MM-dd');
}

/**
 * When the day of a clock reading ends in this process's time zone (its next midnight, as epoch
 * ms): the scheduler's "today" turns then, so tests whose last day it was stop.
 * @example isoDay(nextDayStartMs(Date.parse('2026-12-02T10:00:00')) - 1) // '2026-12-02'
 */
export function nextDayStartMs(nowMs: number): number {
  return addDays(startOfDay(new Date(nowMs)), 1).getTime();
}

export { isMonday };

/** A real calendar date as `YYYY-MM-DD` (2026-02-30 is refused, not rolled over). */
export const isoDateInput = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => isValid(parseISO(s)), 'not a real calendar date');
