import { apiClient, type ApiClient } from './client.ts';
import { seededRandom } from './random.ts';
import { daysBetween } from '../../calendar/dates.ts';

/** Relative effects: experiment key -> variant key -> metric key -> relative lift (0.25 = +25%). */
export type Effects = Record<string, Record<string, Record<string, number>>>;
/** Share of each variant's users whose exposures reach the server, e.g. `{ control: 0.9 }` to fake an SRM. */
export type ExposureLoss = Record<string, Record<string, number>>;

export type SimulationOptions = {
  baseUrl?: string;
  /** An admin key (to list and start experiments); ingestion works with it too. */
  apiKey: string;
  planId?: number;
  /** Experiments to drive; default: every running experiment of the plan (or of all plans). */
  experiments?: string[];
  /** Start the named experiments (or, with `true`, weeks 1 and 2 of the plan) before driving them. */
  start?: boolean | string[];
  /** Users arriving per experiment over `days`. */
  usersPerExperiment?: number;
  days?: number;
  /** Day 0; default: now minus `days` (so every timestamp is in the past), or the server's now with `advance`. */
  startMs?: number;
  /**
   * Users arrive over the next `days` days of the server's clock, which is then moved past
   * them (`POST /api/v1/clock/advance`; the server needs ALLOW_CLOCK_CONTROL=1), so the
   * scheduler stops the experiments on time and reports see tests that ran `days` days.
   */
  advance?: boolean;
  seed?: number;
  /** True effects; default: week 1's treatment +25% on its primary metric, nothing elsewhere. */
  effects?: Effects;
  /** Baseline conversion rate per metric key; default the metric's baseline, else 0.2. */
  baselines?: Record<string, number>;
  /** Drop a share of some variant's exposures (a broken client) to test sample-ratio checks. */
  exposureLoss?: ExposureLoss;
  concurrency?: number;
  /**
   * One population for every experiment: each user is assigned to all of them in one
   * `POST /assign` (each experiment hashes with its own seed, so the splits are independent)
   * and converts on each with the experiment's own random draws. Many small experiments (an
   * A/A series) then cost one request per user instead of one per user and experiment.
   */
  sharedUsers?: boolean;
  log?: (line: string) => void;
};

type Detail = { key: string; week: number | null; status: string; durationDays: number; startDate?: string | null; startedAtMs?: number | null; variants: Array<{ key: string; isControl: boolean }>; metrics: Array<{ key: string; role: string }> };
type Metric = {
  key: string; kind: string; eventName: string; baseline: number | null;
  denominatorEventName?: string | null; denominatorAggregate?: string; windowDays?: number | null;
  extraEventNames?: string[]; windowStartDays?: number | null; minCount?: number | null;
};
type EventItem = { id: string; userId: string; event: string; value?: number; timestamp: number };

const DAY_MS = 86_400_000;

/**
 * The events of a user who converts on a metric of a later kind (issue 16), so every kind gets
 * data it measures. The true effect is on the share of users who convert: a retention or
 * threshold metric's rate, the share reaching a time-to-event metric's event within its window;
 * a mean per event (a ratio counting its denominator) takes its effect on the values instead.
 * Nothing is dated after `endMs` (the server's now, or the end of the simulated period).
 */
export function laterKindEvents(metric: Metric, user: { userId: string; atMs: number }, random: () => number, endMs: number, durationDays: number, effect: number): EventItem[] {
  const id = (i: number) => `${user.userId}-${metric.key}-${i}`;
  const item = (i: number, event: string, timestamp: number, value?: number): EventItem =>
    ({ id: id(i), userId: user.userId, event, timestamp, ...(value === undefined ? {} : { value }) });
  const window = metric.windowDays ?? durationDays;
  switch (metric.kind) {
    case 'retention': {
      const start = metric.windowStartDays ?? 0;
      const at = user.atMs + Math.floor((start + random() * (window - start)) * DAY_MS);
      return at <= endMs ? [item(0, metric.eventName, at)] : [];
    }
    case 'time_to_event': {
      const at = user.atMs + Math.floor(random() * window * DAY_MS);
      return at <= endMs ? [item(0, metric.eventName, at)] : [];
    }
    case 'threshold':
      return Array.from({ length: metric.minCount ?? 1 }, (_, i) => item(i, metric.eventName, Math.min(endMs, user.atMs + Math.floor(random() * 3 * DAY_MS))));
    default: {
      // A mean per event: one to three events with values in quarters, the effect scaling the values.
      const n = 1 + Math.floor(random() * 3);
      return Array.from({ length: n }, (_, i) => {
        const at = Math.min(endMs, user.atMs + Math.floor(random() * 3 * DAY_MS));
        const value = Math.round((5 + random() * 30) * (1 + effect) * 4) / 4;
        return [item(2 * i, metric.eventName, at, value), ...(metric.denominatorEventName !== metric.eventName ? [item(2 * i + 1, metric.denominatorEventName!, at)] : [])];
      }).flat();
    }
  }
}

/** Whether a metric's data comes from `laterKindEvents`. */
const isLaterKind = (m: Metric) => m.kind === 'retention' || m.kind === 'threshold' || m.kind === 'time_to_event' ||
  (m.kind === 'ratio' && m.denominatorAggregate === 'count');
export type SimulationResult = {
  experiments: Record<string, { exposures: Record<string, number>; events: Record<string, Record<string, number>> }>;
  effects: Effects;
  requests: number;
};

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function chooseExperiments(api: ApiClient, o: SimulationOptions): Promise<Detail[]> {
  const query = o.planId === undefined ? '' : `?planId=${o.planId}`;
  const list = (await api<{ experiments: Array<{ key: string; week: number | null; status: string }> }>('GET', `/api/v1/experiments${query}`)).experiments;
  const toStart = o.start === true ? list.filter((e) => e.week === 1 || e.week === 2).map((e) => e.key) : o.start || [];
  for (const key of toStart) {
    const e = list.find((x) => x.key === key);
    if (e && e.status !== 'running') await api('POST', `/api/v1/experiments/${key}/start`);
  }
  const running = await api<{ experiments: Array<{ key: string }> }>('GET', `/api/v1/experiments${query}${query ? '&' : '?'}status=running`);
  const keys = o.experiments ?? running.experiments.map((e) => e.key);
  return Promise.all(keys.map((key) => api<Detail>('GET', `/api/v1/experiments/${key}`)));
}

/** The default truth: week 1's treatment(s) +25% on the primary metric; every other effect is zero. */
export function defaultEffects(experiments: Detail[]): Effects {
  const effects: Effects = {};
  for (const e of experiments) {
    const primary = e.metrics.find((m) => m.role === 'primary')?.key;
    effects[e.key] = {};
    for (const v of e.variants) effects[e.key]![v.key] = primary && e.week === 1 && !v.isControl ? { [primary]: 0.25 } : {};
  }
  return effects;
}

/**
 * Drives the real HTTP API with synthetic users: for each experiment, users arrive over
 * `days`, get assigned (`POST /assign`, expose false), are exposed (`POST /exposures` with the
 * arrival time) and convert on each metric of the experiment with the baseline rate times
 * (1 + true effect) (`POST /events`, with ids so a rerun stores nothing twice).
 * Deterministic for a seed. Returns what it sent, to compare with the reports.
 * @example await runSimulation({ baseUrl: 'http://127.0.0.1:3000', apiKey, planId: 1, start: true, seed: 7 })
 */
export async function runSimulation(o: SimulationOptions): Promise<SimulationResult> {
  const api = apiClient(o.baseUrl ?? 'http://127.0.0.1:3000', o.apiKey);
  const log = o.log ?? (() => {});
  const days = o.days ?? 14;
  const users = o.usersPerExperiment ?? 2000;
  const seed = o.seed ?? 1;
  // Checked before anything is sent: the server keeps timestamps within 400 days of its clock.
  if (!(Number.isInteger(days) && days >= 1 && days <= 400)) throw new Error(`days must be a whole number from 1 to 400, got ${days}`);
  if (o.advance && o.startMs !== undefined) throw new Error('advance starts the arrivals at the server\'s now: leave out startMs');
  if (o.advance) await api('POST', '/api/v1/clock/advance', { days: 0 }); // fails now, with the server's reason, when the clock is not movable
  // Started (with `start`) before day 0 is taken, so with `advance` every arrival falls inside the test.
  const experiments = await chooseExperiments(api, o);
  type Clock = { nowMs: number; today: string; nextDayMs: number };
  const clock = o.advance ? await api<Clock>('GET', '/api/v1/clock') : undefined;
  const serverNowMs = clock?.nowMs ?? Date.now();
  const startMs = o.advance ? serverNowMs : o.startMs ?? serverNowMs - days * 86_400_000;
  const metrics = new Map((await api<{ metrics: Metric[] }>('GET', '/api/v1/metrics')).metrics.map((m) => [m.key, m]));
  const effects = o.effects ?? defaultEffects(experiments);
  const result: SimulationResult = { experiments: {}, effects, requests: 0 };

  // With sharedUsers: the population and its assignments to every experiment, 50 keys a request
  // (users held out of a plan's program are left out of that mode: A/A populations outside plans).
  type Person = { userId: string; attributes: { segment: string; platform: string } };
  const shared = new Map<string, Record<string, string>>();
  let population: Person[] = [];
  if (o.sharedUsers) {
    const random = seededRandom(seed * 1000 - 1);
    population = Array.from({ length: users }, (_, i) => ({
      userId: `sim-${seed}-shared-${i}`,
      attributes: { segment: random() < 0.6 ? 'new' : 'returning', platform: random() < 0.5 ? 'ios' : 'android' }
    }));
    const keys = experiments.map((e) => e.key);
    await pool(population, o.concurrency ?? 16, async (p) => {
      const variants: Record<string, string> = {};
      for (let i = 0; i < keys.length; i += 50) {
        const r = await api<{ assignments: Record<string, { variant: string; inExperiment: boolean }> }>('POST', '/api/v1/assign',
          { userId: p.userId, attributes: p.attributes, experiments: keys.slice(i, i + 50), expose: false });
        result.requests++;
        for (const [key, a] of Object.entries(r.assignments)) if (a.inExperiment) variants[key] = a.variant;
      }
      shared.set(p.userId, variants);
    });
  }

  const pending: Array<{ exposures: Array<{ timestamp: number }>; events: Array<{ timestamp: number }> }> = [];
  const chunks = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
  const send = async (exposureItems: unknown[], eventItems: unknown[]) => {
    await pool(chunks(exposureItems, 500), 4, async (c) => { await api('POST', '/api/v1/exposures', { exposures: c }); result.requests++; });
    await pool(chunks(eventItems, 1000), 4, async (c) => { await api('POST', '/api/v1/events', { events: c }); result.requests++; });
  };
  for (const [index, e] of experiments.entries()) {
    const random = seededRandom(seed * 1000 + index);
    const summary = { exposures: {} as Record<string, number>, events: {} as Record<string, Record<string, number>> };
    result.experiments[e.key] = summary;
    // With advance, a test shorter than the period gets arrivals over its own duration only.
    // Without advance, arrivals are in the past but never before the test started (the server
    // refuses exposures dated before an experiment's start): a test started just now gets its
    // users over the last moments, and its events no later than the server's now.
    const fromMs = o.advance ? startMs : Math.max(startMs, e.startedAtMs ?? startMs);
    const spanDays = o.advance ? Math.min(days, e.durationDays) : Math.min(days, (serverNowMs - fromMs) / 86_400_000);
    // With advance, arrivals also end a minute before the server's day after the test's last day
    // begins: the scheduler stops the test at that midnight (server time zone), not 24 h x duration
    // after a start in the middle of a day, and an exposure after the stop is refused.
    const lastDayEndsMs = clock && e.startDate ? clock.nextDayMs + (daysBetween(clock.today, e.startDate) + e.durationDays - 1) * 86_400_000 : Infinity;
    const endMs = o.advance ? Math.min(fromMs + spanDays * 86_400_000, lastDayEndsMs - 60_000) : fromMs + spanDays * 86_400_000;
    const people = o.sharedUsers
      ? population.map((p) => ({ ...p, atMs: Math.floor(fromMs + random() * (endMs - fromMs)) }))
      : Array.from({ length: users }, (_, i) => ({
        userId: `sim-${seed}-${e.key}-${i}`,
        atMs: Math.floor(fromMs + random() * (endMs - fromMs)),
        attributes: { segment: random() < 0.6 ? 'new' : 'returning', platform: random() < 0.5 ? 'ios' : 'android' }
      }));
    const assigned: Array<(typeof people)[number] & { variant: string }> = [];
    // Held out of the plan's program (served the control, not in the test): exposed as the app shows them the control.
    const heldOut: Array<(typeof people)[number] & { variant: string }> = [];
    if (o.sharedUsers) {
      for (const p of people) {
        const variant = shared.get(p.userId)?.[e.key];
        if (variant !== undefined) assigned.push({ ...p, variant });
      }
    } else await pool(people, o.concurrency ?? 16, async (p) => {
      const r = await api<{ assignments: Record<string, { variant: string; inExperiment: boolean; reason: string }> }>('POST', '/api/v1/assign',
        { userId: p.userId, attributes: p.attributes, experiments: [e.key], expose: false });
      result.requests++;
      const a = r.assignments[e.key]!;
      if (a.inExperiment) assigned.push({ ...p, variant: a.variant });
      else if (a.reason === 'holdout') heldOut.push({ ...p, variant: a.variant });
    });
    assigned.sort((a, b) => a.userId.localeCompare(b.userId)); // arrival order of requests must not matter
    heldOut.sort((a, b) => a.userId.localeCompare(b.userId));
    const kept = assigned.filter((p) => random() < (o.exposureLoss?.[e.key]?.[p.variant] ?? 1));
    const exposureItems = kept.map((p) => ({ experiment: e.key, userId: p.userId, variant: p.variant, timestamp: p.atMs, attributes: p.attributes }));
    const eventItems: EventItem[] = [];
    /** One person's conversions: `effect` of each metric (0 for the baseline), drawn from `draw`; counted per variant when `tally`. */
    const convert = (p: (typeof kept)[number], draw: () => number, effectOf: (key: string) => number, tally: boolean) => {
      for (const { key } of e.metrics) {
        const metric = metrics.get(key);
        if (!metric) continue;
        const base = o.baselines?.[key] ?? metric.baseline ?? 0.2;
        const effect = effectOf(key);
        const meanPerEvent = metric.kind === 'ratio' && metric.denominatorAggregate === 'count';
        const p1 = Math.min(1, base * (meanPerEvent ? 1 : 1 + effect));
        const converts = draw() < p1;
        if (!converts) continue;
        if (tally) {
          const byVariant = (summary.events[key] ??= {});
          byVariant[p.variant] = (byVariant[p.variant] ?? 0) + 1;
        }
        if (isLaterKind(metric)) {
          eventItems.push(...laterKindEvents(metric, p, draw, endMs, e.durationDays, meanPerEvent ? effect : 0));
          continue;
        }
        const timestamp = Math.min(endMs, p.atMs + Math.floor(draw() * 3 * 86_400_000));
        const value = metric.kind === 'sum' ? Math.round((5 + draw() * 30) * 100) / 100 : undefined;
        eventItems.push({ id: `${p.userId}-${metric.eventName}`, userId: p.userId, event: metric.eventName, timestamp, ...(value === undefined ? {} : { value }) });
      }
    };
    for (const p of kept) {
      summary.exposures[p.variant] = (summary.exposures[p.variant] ?? 0) + 1;
      convert(p, random, (key) => effects[e.key]?.[p.variant]?.[key] ?? 0, true);
    }
    // The plan's holdout converts at the baselines (no experiment, no winner), from draws of its own
    // so the experiment's users get the same draws with or without a holdout.
    const heldRandom = seededRandom(seed * 1000 + index + 500_000);
    for (const p of heldOut) {
      exposureItems.push({ experiment: e.key, userId: p.userId, variant: p.variant, timestamp: p.atMs, attributes: p.attributes });
      convert(p, heldRandom, () => 0, false);
    }
    // Without advance every arrival is in the past: sent now. With advance they are in the
    // server's future, which it refuses: each day's items go once the clock has reached that day.
    if (o.advance) pending.push({ exposures: exposureItems, events: eventItems });
    else await send(exposureItems, eventItems);
    log(`${e.key}: ${kept.length} exposed of ${users} (${JSON.stringify(summary.exposures)})${heldOut.length > 0 ? `, ${heldOut.length} held out of the plan` : ''}, ${eventItems.length} events`);
  }
  if (o.advance && clock) {
    // A server day at a time, so the scheduler stops each test on the day its duration ends: the
    // clock goes to a minute before the server's next midnight (or the period's end), that stretch's
    // exposures and events are sent while their tests still run, then the clock crosses midnight.
    // Steps follow the server's days, not 24 h from the start: a test started at 04:00 stops at
    // the midnight after its last day, and a step past that midnight would send its last hours late.
    let moved = { nowMs: clock.nowMs, nextDayMs: clock.nextDayMs, now: '', scheduler: { started: [] as string[], stopped: [] as string[] } };
    const stopped: string[] = [];
    const DAY = 86_400_000;
    const within = <T extends { timestamp: number }>(items: T[], from: number, to: number) => items.filter((i) => i.timestamp >= from && i.timestamp < to);
    // Always asks (0 days when the clock is already there), so the server's next midnight is fresh and the loop moves on.
    const advanceTo = async (atMs: number) => {
      moved = await api<typeof moved>('POST', '/api/v1/clock/advance', { days: Math.max(0, atMs - moved.nowMs) / DAY });
      result.requests++;
      stopped.push(...moved.scheduler.stopped);
    };
    const periodEnd = startMs + days * DAY;
    for (let from = startMs; from < periodEnd;) {
      const to = Math.min(moved.nextDayMs, periodEnd);
      await advanceTo(to - 60_000);
      for (const p of pending) await send(within(p.exposures, from, to - 60_000), within(p.events, from, to - 60_000));
      await advanceTo(to);
      // The last minute (and an event at the very end of a test) goes once the clock has passed it.
      for (const p of pending) await send(within(p.exposures, to - 60_000, to), within(p.events, to - 60_000, to));
      from = to;
    }
    for (const p of pending) await send([], p.events.filter((i) => i.timestamp >= periodEnd)); // never counted later than the clock allows
    log(`server clock moved ${days} days to ${moved.now}; stopped: ${stopped.join(', ') || 'none'}`);
  }
  return result;
}
