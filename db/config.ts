/**
 * The server's configuration: every environment variable it reads, read and validated here
 * once (zod), nowhere else. It lives in `db/`, the lowest layer that needs it (DATABASE_PATH, DATABASE_URL),
 * so `calendar/` and `api/` can use it without importing upwards.
 *
 * A bad value stops the server with one line per variable saying what is wrong, e.g.
 * `PORT: must be a whole number from 0 to 65535 (got "http")`.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const flag = z.enum(['', '0', '1', 'true', 'false']).default('').transform((v) => v === '1' || v === 'true');
const number = (what: string, min: number, max: number, fallback: number, whole = false) =>
  z.string().trim().default(String(fallback)).transform((raw, ctx) => {
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
      ctx.addIssue({ code: 'custom', message: `must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max} (${what}; got "${raw}")` });
      return z.NEVER;
    }
    return value;
  });
const optionalText = z.string().optional().transform((v) => (v === undefined || v === '' ? null : v));
const postgresUrl = z.string().trim().optional().transform((v, ctx) => {
  if (v === undefined || v === '') return null;
  if (!/^postgres(ql)?:\/\//.test(v)) {
    ctx.addIssue({ code: 'custom', message: `must be a PostgreSQL URL starting with postgres:// or postgresql:// (got "${v.replace(/\/\/[^@/]*@/, '//…@')}"); leave it unset to use the SQLite file at DATABASE_PATH` });
    return z.NEVER;
  }
  return v;
});

const schema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: number('the port to listen on; 0 picks a free one', 0, 65_535, 3000, true),
  DATABASE_PATH: z.string().trim().min(1).default('data/app.db').transform((p) => (p === ':memory:' ? p : resolve(p))),
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_SIZE: number('connections per server process to PostgreSQL', 1, 1000, 10, true),
  ADMIN_API_KEY: optionalText,
  INGEST_WRITER: z.enum(['inline', 'thread']).default('inline'),
  SCHEDULER_INTERVAL_SECONDS: number('seconds between scheduler ticks', 1, 86_400, 30),
  CLOCK_OFFSET_DAYS: number('days the server clock runs ahead', -36_500, 36_500, 0),
  ALLOW_CLOCK_CONTROL: flag,
  UI_PASSWORD: optionalText,
  ORIGIN: z.string().url().optional(),
  PROTOCOL_HEADER: optionalText,
  WEB_BUILD_DIR: z.string().trim().min(1).default('build'),
  MIGRATIONS_PATH: optionalText,
  ALLOWED_HOSTS: z.string().default('').transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean)),
  HEADERS_TIMEOUT_SECONDS: number('seconds a client may take to send the request headers', 1, 600, 10),
  REQUEST_TIMEOUT_SECONDS: number('seconds a client may take to send a whole request', 1, 3_600, 30),
  SHUTDOWN_GRACE_SECONDS: number('seconds in-flight requests get to finish on SIGTERM', 0, 600, 10),
  AUTH_FAILURES_PER_MINUTE: number('failed authentications per client address per minute before 429', 1, 1_000_000, 20, true)
});

export type Config = {
  host: string; port: number; databasePath: string;
  /** PostgreSQL when set (postgres://…), else the SQLite file at `databasePath`. */
  databaseUrl: string | null; databasePoolSize: number;
  adminApiKey: string | null; ingestWriter: 'inline' | 'thread';
  schedulerIntervalMs: number; clockOffsetDays: number; allowClockControl: boolean; uiPassword: string | null;
  origin: string | null; protocolHeader: string | null; webBuildDir: string; migrationsPath: string | null;
  /** Host names answered besides loopback names and IP literals (DNS rebinding); `*` answers any. */
  allowedHosts: string[];
  headersTimeoutMs: number; requestTimeoutMs: number; shutdownGraceMs: number; authFailuresPerMinute: number;
};

/** A configuration that cannot be used: one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The configuration an environment gives (pure: tests pass their own).
 * @example configFrom({ PORT: '8080' }).port // 8080
 */
export function configFrom(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k]])));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    host: e.HOST, port: e.PORT, databasePath: e.DATABASE_PATH, databaseUrl: e.DATABASE_URL, databasePoolSize: e.DATABASE_POOL_SIZE,
    adminApiKey: e.ADMIN_API_KEY, ingestWriter: e.INGEST_WRITER,
    schedulerIntervalMs: Math.round(e.SCHEDULER_INTERVAL_SECONDS * 1000), clockOffsetDays: e.CLOCK_OFFSET_DAYS,
    allowClockControl: e.ALLOW_CLOCK_CONTROL, uiPassword: e.UI_PASSWORD, origin: e.ORIGIN ?? null,
    protocolHeader: e.PROTOCOL_HEADER, webBuildDir: e.WEB_BUILD_DIR, migrationsPath: e.MIGRATIONS_PATH,
    allowedHosts: e.ALLOWED_HOSTS, headersTimeoutMs: e.HEADERS_TIMEOUT_SECONDS * 1000, requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000, authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE
  };
}

let current: Config | null = null;

/**
 * The process's configuration, read from the environment on first use.
 * @example config().databasePath
 */
export function config(): Config {
  return (current ??= configFrom(process.env));
}

/** Reads the environment again (tests that change it; the server never does). */
export function reloadConfig(): Config {
  current = null;
  return config();
}
