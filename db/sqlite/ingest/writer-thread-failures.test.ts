// The writer thread's failure paths seen from the request thread: a thread that cannot open the
// database rejects the waiting writes with its own error, and a connection closed by its owner
// stops its thread (checked once a second) so later writes fail instead of landing in the file.
import { afterEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { writerFor } from './writer.ts';
import type { EventRow } from './write-ops.ts';

const row = (id: string): EventRow => [id, 'u', 'activation', null, 1, 2];
afterEach(() => { vi.useRealTimers(); });

describe('writer thread failures', () => {
  it('a thread that cannot open the file rejects the waiting write with its error, and later writes too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wx-gone-'));
    const client = new Database(join(dir, 'app.db'));
    rmSync(dir, { recursive: true, force: true }); // this connection keeps its file open; the thread cannot open the path
    try {
      const writer = writerFor(client, { threaded: true });
      await expect(writer.write('events', [row('lost')])).rejects.toThrow('Cannot open database because the directory does not exist');
      await expect(writer.write('events', [row('later')])).rejects.toThrow('Cannot open database because the directory does not exist');
      await writer.close();
    } finally {
      client.close();
    }
  });

  it('the thread stops within a second of its connection being closed; before that, and while open, it keeps writing', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const t = tempDatabase();
    try {
      const writer = writerFor(t.db.$client, { threaded: true });
      await expect(writer.write('events', [row('open')])).resolves.toEqual({ stored: 1, conflicts: [] });
      vi.advanceTimersByTime(1000); // the connection is still open: the thread stays
      await expect(writer.write('events', [row('still-open')])).resolves.toEqual({ stored: 1, conflicts: [] });
      t.db.$client.close();
      vi.advanceTimersByTime(1000);
      await expect(writer.write('events', [row('after-close')])).rejects.toThrow('the writer thread exited (1)');
      const check = new Database(t.path, { readonly: true });
      expect(check.prepare('select client_event_id from events order by id').pluck().all()).toEqual(['open', 'still-open']);
      check.close();
    } finally {
      t.cleanup();
    }
  });
});
