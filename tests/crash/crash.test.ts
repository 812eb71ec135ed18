import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnApi, stopApi, type SpawnedApi } from './spawn-api.ts';

// Durability: every event the server acknowledged (202) survives a SIGKILL, and retries of
// every batch after the restart store nothing twice.
const dir = mkdtempSync(join(tmpdir(), 'wx-crash-'));
const databasePath = join(dir, 'app.db');
const adminKey = 'crash-test-admin-key';
let api: SpawnedApi | undefined;
afterAll(async () => {
  if (api) await stopApi(api, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

type Batch = { ids: string[]; body: string };
const batchOf = (worker: number, n: number, size: number): Batch => {
  const events = Array.from({ length: size }, (_, i) => ({
    id: `w${worker}-b${n}-e${i}`, userId: `user-${worker}-${i}`, event: i % 2 ? 'activation' : 'purchase', value: i
  }));
  return { ids: events.map((e) => e.id), body: JSON.stringify({ events }) };
};

describe('crash durability', () => {
  it('loses no acknowledged event or exposure across SIGKILL, and stores nothing twice', async () => {
    api = await spawnApi(databasePath, { ADMIN_API_KEY: adminKey });
    const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    await fetch(`${api.url}/api/v1/experiments`, { method: 'POST', headers, body: JSON.stringify({ key: 'crash', name: 'Crash', exploratory: true, variants: [{ key: 'a' }, { key: 'b' }] }) });
    expect((await fetch(`${api.url}/api/v1/experiments/crash/start`, { method: 'POST', headers })).status).toBe(200);

    const sent: Batch[] = [];
    const ackedEvents = new Set<string>();
    const ackedExposures = new Set<string>();
    let killed = false;
    const url = api.url;
    const worker = async (w: number) => {
      for (let n = 0; !killed; n++) {
        const batch = batchOf(w, n, 50);
        sent.push(batch);
        try {
          const [events, assign] = await Promise.all([
            fetch(`${url}/api/v1/events`, { method: 'POST', headers, body: batch.body }),
            fetch(`${url}/api/v1/assign?experiment=crash&userId=u-${w}-${n}`, { headers })
          ]);
          if (events.status === 202 && (await events.json()).rejected.length === 0) batch.ids.forEach((id) => ackedEvents.add(id));
          if (assign.status === 200 && (await assign.json()).assignments.crash.inExperiment) ackedExposures.add(`u-${w}-${n}`);
        } catch { /* the server died mid-request: not acknowledged */ }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    while (ackedEvents.size < 20_000) await new Promise((r) => setTimeout(r, 50));
    await stopApi(api, 'SIGKILL');
    killed = true;
    await Promise.all(workers);
    expect(ackedEvents.size).toBeGreaterThanOrEqual(20_000);

    // Restart on the same file, then check what was committed before the kill.
    api = await spawnApi(databasePath, { ADMIN_API_KEY: adminKey });
    const db = new Database(databasePath, { readonly: true });
    const storedIds = new Set(db.prepare('select client_event_id from events').pluck().all() as string[]);
    const missing = [...ackedEvents].filter((id) => !storedIds.has(id));
    expect(missing).toEqual([]);
    const exposed = new Set(db.prepare(`select user_id from exposures where experiment_id = (select id from experiments where key = 'crash')`).pluck().all() as string[]);
    expect([...ackedExposures].filter((u) => !exposed.has(u))).toEqual([]);

    // Clients retry every batch (acknowledged or not): ids make the retries idempotent.
    for (let i = 0; i < sent.length; i += 8) {
      await Promise.all(sent.slice(i, i + 8).map(async (b) => {
        const res = await fetch(`${api!.url}/api/v1/events`, { method: 'POST', headers, body: b.body });
        expect(res.status).toBe(202);
      }));
    }
    const totals = db.prepare('select count(*) as rows, count(distinct client_event_id) as ids from events').get() as { rows: number; ids: number };
    expect(totals.rows).toBe(totals.ids);
    expect(totals.ids).toBe(new Set(sent.flatMap((b) => b.ids)).size);
    db.close();
    await stopApi(api);
    api = undefined;
  }, 60_000);
});
