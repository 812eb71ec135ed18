/**
 * Metrics whose per-user value is only final once the user's whole window has passed
 * (retention: "came back on days 7-14"; time to event: the restricted mean counts users
 * without the event at the full window). Their users join the denominator by UTC day of first
 * exposure, once every user first exposed that day has had the whole window: the daily
 * aggregates are cumulative by that day, so the totals are the row of the last closed day.
 * Everyone else is reported as waiting for their window.
 */
import type { GroupAggregate } from '../../db/store/index.ts';
import type { MetricKind } from '../model.ts';
import { totalsFromCumulative } from './totals.ts';

const DAY_MS = 86_400_000;

/** Whether a kind counts only users whose window has closed. */
export function waitsForWindow(kind: MetricKind): boolean {
  return kind === 'retention' || kind === 'time_to_event';
}

/**
 * The last UTC day (days since the epoch) whose users have all had `windowDays` days by `nowMs`:
 * day D closes when (D + 1 + windowDays) days have passed since the epoch.
 * @example lastClosedDay(14, Date.UTC(2026, 0, 20)) // day of 2026-01-05
 */
export function lastClosedDay(windowDays: number, nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) - Math.ceil(windowDays) - 1;
}

/**
 * Per-variant totals of the users whose window has closed, from cumulative by-day aggregates,
 * and how many exposed users are still waiting for theirs.
 * @example closedWindowTotals(daily, 14, nowMs) // { totals: [{ variant: 'control', users: 812, ... }], waiting: 230 }
 */
export function closedWindowTotals(daily: GroupAggregate[], windowDays: number, nowMs: number): { totals: GroupAggregate[]; waiting: number } {
  const last = lastClosedDay(windowDays, nowMs);
  const all = totalsFromCumulative(daily);
  const totals = totalsFromCumulative(daily.filter((row) => (row.day ?? 0) <= last));
  const users = (rows: GroupAggregate[]) => rows.reduce((a, r) => a + r.users, 0);
  return { totals, waiting: users(all) - users(totals) };
}
