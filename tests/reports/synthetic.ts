/**
 * A seeded generator of exposures and events (`syntheticRows`), written straight into SQLite
 * with prepared statements in one transaction (`generateSynthetic`): for aggregation tests and the report benchmark, where the
 * HTTP API would only add time. The end-to-end test uses the real API instead.
 */
import type { SqliteClient } from '../../db/sqlite/inspect.ts';
import { mulberry32 as seededRandom } from '../../stats/testing/random.ts';

/** The seeded PRNG shared with the statistics simulations (mulberry32). */
export { seededRandom };

export type SyntheticEvent = {
  name: string;
  /** Probability, per variant, that a user fires the event at least once. */
  rate: Record<string, number>;
  /** Events per converting user: uniform 1..maxPerUser (default 1). */
  maxPerUser?: number;
  /** Mean value per variant (exponential); omit for events without a value. */
  meanValue?: Record<string, number>;
  /** Place the events this many ms after first exposure at most (default 3 days). */
  withinMs?: number;
};

export type SyntheticSpec = {
  experimentId: number;
  users: number;
  seed: number;
  startMs: number;
  /** Exposures spread evenly over this many days. */
  days: number;
  variants: Array<{ key: string; weight: number }>;
  events: SyntheticEvent[];
  /** Attributes stored with the first exposure, e.g. a segment. */
  attributes?: (userIndex: number, random: () => number) => Record<string, unknown>;
  userPrefix?: string;
  /** Share of users also exposed to another variant (conflict_count = 1). */
  conflictShare?: number;
};

/** One synthetic exposure or event, in the order they are generated. */
export type SyntheticRow =
  | { kind: 'exposure'; experimentId: number; userId: string; variantKey: string; atMs: number; conflictCount: number; attributes: Record<string, unknown> }
  | { kind: 'event'; userId: string; eventName: string; value: number | null; atMs: number };

/**
 * The exposures and events of `spec`, generated from its seed (the same rows on every engine):
 * what `generateSynthetic` writes into SQLite and tests/helpers/app-rows.ts into PostgreSQL.
 * @example for (const row of syntheticRows(spec)) if (row.kind === 'event') n++;
 */
export function* syntheticRows(spec: SyntheticSpec): Generator<SyntheticRow> {
  const random = seededRandom(spec.seed);
  const totalWeight = spec.variants.reduce((a, v) => a + v.weight, 0);
  const spanMs = spec.days * 86_400_000;
  for (let i = 0; i < spec.users; i++) {
    const userId = `${spec.userPrefix ?? 'u'}${i}`;
    let pick = random() * totalWeight;
    const variant = spec.variants.find((v) => (pick -= v.weight) < 0) ?? spec.variants[spec.variants.length - 1];
    const t0 = spec.startMs + Math.floor((i / spec.users) * spanMs);
    const attributes = spec.attributes ? spec.attributes(i, random) : {};
    const conflicted = random() < (spec.conflictShare ?? 0) ? 1 : 0;
    yield { kind: 'exposure', experimentId: spec.experimentId, userId, variantKey: variant.key, atMs: t0, conflictCount: conflicted, attributes };
    for (const event of spec.events) {
      if (random() >= (event.rate[variant.key] ?? 0)) continue;
      const count = 1 + Math.floor(random() * (event.maxPerUser ?? 1));
      for (let k = 0; k < count; k++) {
        const at = t0 + Math.floor(random() * (event.withinMs ?? 3 * 86_400_000));
        const mean = event.meanValue?.[variant.key];
        const value = mean === undefined ? null : -mean * Math.log(1 - random());
        yield { kind: 'event', userId, eventName: event.name, value, atMs: at };
      }
    }
  }
}

/**
 * Writes `spec.users` exposures and their events; returns how many events were written.
 * @example generateSynthetic(db.$client, { experimentId: 1, users: 1000, seed: 1, ... })
 */
export function generateSynthetic(client: SqliteClient, spec: SyntheticSpec): { events: number } {
  const insertExposure = client.prepare(
    `INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms,
       exposure_count, conflict_count, attributes) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`
  );
  const insertEvent = client.prepare(
    'INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, ?, ?, ?)'
  );
  let events = 0;
  client.transaction(() => {
    for (const row of syntheticRows(spec)) {
      if (row.kind === 'exposure') {
        insertExposure.run(row.experimentId, row.userId, row.variantKey, row.atMs, row.atMs, row.conflictCount, JSON.stringify(row.attributes));
      } else {
        insertEvent.run(row.userId, row.eventName, row.value, row.atMs, row.atMs);
        events++;
      }
    }
  })();
  return { events };
}
