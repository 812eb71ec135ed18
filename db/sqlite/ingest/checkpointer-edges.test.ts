// The checkpointer's edges, seen from its connection: the once-a-second watch stops the thread only
// after the connection is closed (its interval stepped by vitest's fake timers; the thread is real),
// and a thread that dies gives the connection SQLite's own automatic checkpoint back.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { startCheckpointer } from './checkpointer.ts';

let t: ReturnType<typeof tempDatabase>;
beforeEach(() => { t = tempDatabase(); });
afterEach(() => {
  vi.useRealTimers();
  t.cleanup();
});
const autocheckpoint = () => t.db.$client.pragma('wal_autocheckpoint', { simple: true });
const exited = (worker: { once(event: 'exit', listener: () => void): unknown }) => new Promise<void>((resolve) => worker.once('exit', () => resolve()));

describe('startCheckpointer', () => {
  it('the watch leaves the thread running while the connection is open, and stops it once it is closed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const checkpointer = startCheckpointer(t.db.$client);
    const done = exited(checkpointer.worker);
    vi.advanceTimersByTime(3000); // three looks at an open connection
    expect(autocheckpoint()).toBe(16_000); // still the backstop: not stopped
    // Only the connection is closed; the file stays, so the thread has nothing else to fail on.
    t.db.$client.close();
    vi.advanceTimersByTime(1000); // the next look stops the thread (and touches no closed connection)
    await done;
  });

  it('a thread that dies gives SQLite its own automatic checkpoint back', async () => {
    const checkpointer = startCheckpointer(t.db.$client);
    expect(autocheckpoint()).toBe(16_000);
    const done = exited(checkpointer.worker);
    await checkpointer.worker.terminate();
    await done;
    expect(autocheckpoint()).toBe(1000);
    checkpointer.stop(); // after the thread is gone: nothing left to stop, no error
    expect(autocheckpoint()).toBe(1000);
  });
});
