import type Database from 'better-sqlite3';

/** Prepared statements for the exposures table, one set per connection. */
export type ExposureStore = {
  /** The variant recorded at the user's first exposure, or undefined. */
  recordedVariant(experimentId: number, userId: string): string | undefined;
  /** Records an exposure: the first one stores the variant, repeats are counted. Returns the stored variant and count. */
  record(experimentId: number, userId: string, variantKey: string, atMs: number, attributesJson: string): { variant: string; count: number };
  /** Counts an exposure that claimed another variant than the recorded one. */
  countConflict(experimentId: number, userId: string): void;
};

const stores = new WeakMap<Database.Database, ExposureStore>();

/** The exposure statements of a connection, prepared once. */
export function exposureStoreFor(client: Database.Database): ExposureStore {
  const existing = stores.get(client);
  if (existing) return existing;
  const select = client.prepare('select variant_key from exposures where experiment_id = ? and user_id = ?').pluck();
  const upsert = client.prepare(`
    insert into exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
    values (?, ?, ?, ?, ?, 1, 0, ?)
    on conflict (experiment_id, user_id) do update set
      exposure_count = exposure_count + 1,
      first_exposed_at_ms = min(first_exposed_at_ms, excluded.first_exposed_at_ms),
      last_exposed_at_ms = max(last_exposed_at_ms, excluded.last_exposed_at_ms)
    returning variant_key as variant, exposure_count as count`);
  const conflict = client.prepare('update exposures set conflict_count = conflict_count + 1 where experiment_id = ? and user_id = ?');
  const store: ExposureStore = {
    recordedVariant: (experimentId, userId) => select.get(experimentId, userId) as string | undefined,
    record: (experimentId, userId, variantKey, atMs, attributesJson) =>
      upsert.get(experimentId, userId, variantKey, atMs, atMs, attributesJson) as { variant: string; count: number },
    countConflict: (experimentId, userId) => { conflict.run(experimentId, userId); }
  };
  stores.set(client, store);
  return store;
}
