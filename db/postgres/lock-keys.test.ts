// The session and transaction advisory locks of the PostgreSQL engine must not share a key: the
// scheduler's leader holds its lock for its whole life, so ingestion waiting on the same key
// would wait for ever (it happened once: tests/replicas/sticky-reports.test.ts found it).
import { describe, expect, it } from 'vitest';
import { MIGRATION_LOCK_KEY } from './connection.ts';
import { INGEST_LOCK_KEY, STORE_DDL_LOCK_KEY } from './report-store-schema.ts';
import { SCHEDULER_LOCK_KEY } from './leadership.ts';

describe('advisory lock keys', () => {
  // (The report refreshes' two-int locks, REFRESH_LOCK_CLASS and an experiment id, are another
  // space: PostgreSQL tells the two forms apart, objsubid 2 against 1.)
  it('of the one-bigint locks are all different', () => {
    const keys = { MIGRATION_LOCK_KEY, INGEST_LOCK_KEY, SCHEDULER_LOCK_KEY, STORE_DDL_LOCK_KEY };
    expect(new Set(Object.values(keys)).size).toBe(Object.keys(keys).length);
  });
});
