/**
 * Leader election on PostgreSQL: the leader is the process whose dedicated connection holds the
 * session advisory lock `SCHEDULER_LOCK_KEY` (pg_try_advisory_lock). A session lock lives as
 * long as its connection: when the leader's process dies (even SIGKILL), the server ends its
 * session and the lock is free; a standby tries again every `retryMs` and takes it.
 *
 * The leader checks its connection every `retryMs` (`SELECT 1` with a deadline): when that
 * fails it calls `deposed` at once and tries again on a new connection. A connection that
 * silently broke (a network cut) can leave a gap of a few seconds where the server has already
 * released the lock to another process while the old leader has not noticed yet; the work the
 * lock guards (scheduler ticks: SERIALIZABLE transitions that check the status first) is safe
 * to run twice, the lock only keeps it from running everywhere all the time.
 */
import pg from 'pg';
import type { Candidacy, LeaderCallbacks, Leadership } from '../store/replicas.ts';

/**
 * The scheduler's lock: any bigint, the same in every replica, and none of the other advisory
 * locks' keys (MIGRATION_LOCK_KEY …203, INGEST_LOCK_KEY …204, the report store's DDL lock …205:
 * db/postgres/lock-keys.test.ts checks): the leader holds it for its whole life.
 */
export const SCHEDULER_LOCK_KEY = 7_345_001_210;

export type PostgresLeadershipOptions = {
  /** Lock key (default SCHEDULER_LOCK_KEY). */
  lockKey?: number;
  /** How often a standby tries the lock and the leader checks its connection (default 3 s). */
  retryMs?: number;
  /** Shown in pg_stat_activity (default 'weekly-experiments-leader'). */
  applicationName?: string;
  log?: (line: string) => void;
};

/**
 * Leadership among every process that campaigns with the same key on the database of `url`.
 * Each campaign uses one connection of its own, outside the pool.
 * @example postgresLeadership(url).campaign({ elected: start, deposed: stop })
 */
export function postgresLeadership(url: string, options: PostgresLeadershipOptions = {}): Leadership {
  return { campaign: (callbacks) => campaign(url, options, callbacks) };
}

function campaign(url: string, options: PostgresLeadershipOptions, callbacks: LeaderCallbacks): Candidacy {
  const lockKey = options.lockKey ?? SCHEDULER_LOCK_KEY;
  const retryMs = options.retryMs ?? 3_000;
  const log = options.log ?? ((line: string) => console.log(line));
  let client: pg.Client | null = null;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const depose = (reason: string) => {
    if (!leading) return;
    leading = false;
    try { callbacks.deposed(reason); } catch (err) { console.error('leadership: deposed callback failed', err); }
  };
  // A connection that failed or ended: drop it, stop leading, try again later on a new one.
  const drop = (reason: string) => {
    const old = client;
    client = null;
    if (old) { old.removeAllListeners('error'); old.on('error', () => {}); void old.end().catch(() => {}); }
    depose(reason);
  };

  const attempt = async () => {
    timer = null;
    if (stopped) return;
    try {
      if (!client) {
        const fresh = new pg.Client({
          connectionString: url, application_name: options.applicationName ?? 'weekly-experiments-leader',
          keepAlive: true, connectionTimeoutMillis: retryMs, query_timeout: retryMs
        });
        fresh.on('error', (err) => { if (client === fresh) drop(`connection lost: ${err.message}`); });
        fresh.on('end', () => { if (client === fresh) drop('connection ended'); });
        client = fresh;
        await fresh.connect();
      }
      if (leading) {
        // The leader's heartbeat: a connection that no longer answers no longer holds the lock for sure.
        await client.query('SELECT 1');
      } else {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [lockKey]);
        if (rows[0]?.locked && !stopped) {
          leading = true;
          log(`leadership: this process (pid ${process.pid}) is the leader (advisory lock ${lockKey})`);
          try { callbacks.elected(); } catch (err) { console.error('leadership: elected callback failed', err); }
        }
      }
    } catch (err) {
      drop(`connection failed: ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => void attempt(), retryMs).unref();
  };
  void attempt();

  return {
    get leading() { return leading; },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const last = client;
      client = null;
      depose('stopped');
      // Ending the session releases the lock; the next standby takes it at its next try.
      if (last) { last.removeAllListeners('error'); last.on('error', () => {}); await last.end().catch(() => {}); }
    }
  };
}
