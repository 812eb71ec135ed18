// Which writer a database file gets when the caller does not say: INGEST_WRITER=thread picks the
// writer thread, anything else (unset, inline) the connection's own group commit.
import { afterEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { reloadConfig } from '../../config.ts';
import { writerFor } from './writer.ts';

const saved = process.env.INGEST_WRITER;
afterEach(() => {
  if (saved === undefined) delete process.env.INGEST_WRITER; else process.env.INGEST_WRITER = saved;
  reloadConfig();
});

describe('writerFor without options', () => {
  it.each([['thread', true], ['inline', false], [undefined, false]])('INGEST_WRITER=%s: threaded %s', async (value, threaded) => {
    if (value === undefined) delete process.env.INGEST_WRITER; else process.env.INGEST_WRITER = value;
    reloadConfig();
    const t = tempDatabase();
    const writer = writerFor(t.db.$client);
    try {
      expect(writer.threaded).toBe(threaded);
      await expect(writer.write('events', [['choice-1', 'u', 'activation', null, 1, 2]])).resolves.toEqual({ stored: 1, conflicts: [] });
    } finally {
      await writer.close();
      t.cleanup();
    }
  });
});
