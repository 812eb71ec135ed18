/**
 * The change feed on PostgreSQL: one dedicated connection LISTENs on the channel the triggers
 * of migration 0004_change_feed notify at every commit that changes an experiment, its
 * variants, a layer or an API key. Each notification becomes a `Change` for the subscribers.
 *
 * A lost connection may have missed notifications: the feed reconnects (every `retryMs`) and,
 * once listening (the first time too), announces `everything` so that every cache reloads in full.
 */
import pg from 'pg';
import type { Change, ChangeFeed } from '../store/replicas.ts';

/** The channel of migration 0004_change_feed's triggers. */
export const CHANGE_CHANNEL = 'weekly_experiments_changes';

/**
 * The change of one notification payload, or null when it is not one of ours.
 * @example changeOf('{"t":"keys","id":3,"revoked":true}') // { topic: 'keys', keyId: 3, revoked: true }
 */
export function changeOf(payload: string | undefined): Change | null {
  try {
    const p = JSON.parse(payload ?? '') as { t?: string; key?: unknown; id?: unknown; revoked?: unknown };
    if (p.t === 'experiments') return { topic: 'experiments', experimentKey: typeof p.key === 'string' ? p.key : null };
    if (p.t === 'keys' && typeof p.id === 'number') return { topic: 'keys', keyId: p.id, revoked: p.revoked === true };
  } catch { /* not JSON: not ours */ }
  return null;
}

export type PostgresChangeFeedOptions = { retryMs?: number; applicationName?: string };

/**
 * Starts listening on the database of `url` (one connection outside the pool).
 * @example const feed = postgresChangeFeed(url); feed.subscribe((c) => console.log(c));
 */
export function postgresChangeFeed(url: string, options: PostgresChangeFeedOptions = {}): ChangeFeed & { readonly listening: boolean } {
  const retryMs = options.retryMs ?? 1_000;
  const listeners = new Set<(change: Change) => void>();
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  const emit = (change: Change) => {
    for (const listener of listeners) {
      try { listener(change); } catch (err) { console.error('change feed listener failed', err); }
    }
  };
  const retry = () => {
    if (!closed && !timer) timer = setTimeout(() => { timer = null; void connect(); }, retryMs).unref();
  };
  const lost = (which: pg.Client, reason: string) => {
    if (client !== which) return;
    client = null;
    listening = false;
    console.error(`change feed: connection lost (${reason}); reconnecting`);
    which.removeAllListeners('error'); which.on('error', () => {});
    void which.end().catch(() => {});
    retry();
  };
  const connect = async () => {
    if (closed || client) return;
    const fresh = new pg.Client({
      connectionString: url, application_name: options.applicationName ?? 'weekly-experiments-changes', keepAlive: true,
      connectionTimeoutMillis: 10_000
    });
    client = fresh;
    fresh.on('error', (err) => lost(fresh, err.message));
    fresh.on('end', () => lost(fresh, 'connection ended'));
    fresh.on('notification', (message) => {
      const change = changeOf(message.payload);
      if (change) emit(change);
    });
    try {
      await fresh.connect();
      await fresh.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (client !== fresh) return;
      listening = true;
      // Whatever was committed while no one listened (before the first LISTEN too: a cache
      // loaded at start) is unknown: everyone reloads.
      emit({ topic: 'everything' });
    } catch (err) {
      lost(fresh, (err as Error).message);
    }
  };
  void connect();

  return {
    get listening() { return listening; },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const last = client;
      client = null;
      listening = false;
      listeners.clear();
      if (last) { last.removeAllListeners('error'); last.on('error', () => {}); await last.end().catch(() => {}); }
    }
  };
}
