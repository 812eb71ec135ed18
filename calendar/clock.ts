/**
 * The one place the server reads "now". Pages, the API and the scheduler all call `now()`,
 * so shifting the clock (tests, demos) shifts everything together.
 *
 * - `CLOCK_OFFSET_DAYS` (env) starts the clock that many days ahead (or behind, if negative).
 * - `advanceClock(ms)` moves it further at run time; the API exposes it at
 *   `POST /api/v1/clock/advance` only when `ALLOW_CLOCK_CONTROL=1`.
 */
import { config } from '../db/config.ts';
type ClockState = { offsetMs: number };

// Module state: the UI and the API load this one module (the build keeps calendar/ external,
// vite.config.ts). Under `npm run dev` an edit of this file resets the offset.
let clock: ClockState | null = null;

export const DAY_MS = 86_400_000;

function state(): ClockState {
  return (clock ??= { offsetMs: envOffsetMs() });
}

function envOffsetMs(): number {
  return config().clockOffsetDays * DAY_MS;
}

/**
 * The server's current time in epoch milliseconds.
 * @example new Date(now()).toISOString()
 */
export function now(): number {
  return Date.now() + state().offsetMs;
}

/** How far the clock runs ahead of the wall clock, in milliseconds. */
export function clockOffsetMs(): number {
  return state().offsetMs;
}

/**
 * Moves the clock forward by `ms` (negative moves it back). Returns the new time.
 * @example advanceClock(7 * DAY_MS) // one week later
 */
export function advanceClock(ms: number): number {
  state().offsetMs += ms;
  return now();
}

/** True when the clock may be moved over HTTP (tests and demos only). */
export function clockControlEnabled(): boolean {
  return config().allowClockControl;
}
