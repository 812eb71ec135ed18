import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ConfigError, configFrom } from './config.ts';

describe('configFrom', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(configFrom({})).toEqual({
      host: '127.0.0.1', port: 3000, databasePath: resolve('data/app.db'), databaseUrl: null, databasePoolSize: 10, adminApiKey: null, ingestWriter: 'inline',
      schedulerIntervalMs: 30_000, clockOffsetDays: 0, allowClockControl: false, uiPassword: null, origin: null,
      protocolHeader: null, webBuildDir: 'build', migrationsPath: null,
      allowedHosts: [], headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, shutdownGraceMs: 10_000, authFailuresPerMinute: 20
    });
  });

  it.each([
    ['PORT', '8080', 'port', 8080],
    ['PORT', '0', 'port', 0],
    ['DATABASE_PATH', ':memory:', 'databasePath', ':memory:'],
    ['DATABASE_PATH', 'x/y.db', 'databasePath', resolve('x/y.db')],
    ['ADMIN_API_KEY', 'wx_admin_123456', 'adminApiKey', 'wx_admin_123456'],
    ['ADMIN_API_KEY', '', 'adminApiKey', null],
    ['INGEST_WRITER', 'thread', 'ingestWriter', 'thread'],
    ['SCHEDULER_INTERVAL_SECONDS', '2.5', 'schedulerIntervalMs', 2500],
    ['CLOCK_OFFSET_DAYS', '-3', 'clockOffsetDays', -3],
    ['ALLOW_CLOCK_CONTROL', '1', 'allowClockControl', true],
    ['ALLOW_CLOCK_CONTROL', 'true', 'allowClockControl', true],
    ['ALLOW_CLOCK_CONTROL', '0', 'allowClockControl', false],
    ['UI_PASSWORD', 's3cret', 'uiPassword', 's3cret'],
    ['ORIGIN', 'https://exp.example.com', 'origin', 'https://exp.example.com']
  ] as const)('%s=%s sets %s', (name, value, key, expected) => {
    expect(configFrom({ [name]: value })[key]).toBe(expected);
  });

  it.each([
    ['ALLOWED_HOSTS', ' exp.example.com , exp-internal ,', 'allowedHosts', ['exp.example.com', 'exp-internal']],
    ['HEADERS_TIMEOUT_SECONDS', '5', 'headersTimeoutMs', 5_000],
    ['REQUEST_TIMEOUT_SECONDS', '12', 'requestTimeoutMs', 12_000],
    ['SHUTDOWN_GRACE_SECONDS', '0', 'shutdownGraceMs', 0],
    ['AUTH_FAILURES_PER_MINUTE', '5', 'authFailuresPerMinute', 5]
  ] as const)('%s=%s sets %s', (name, value, key, expected) => {
    expect(configFrom({ [name]: value })[key]).toEqual(expected);
  });

  it.each([
    ['PORT', 'http', 'PORT: must be a whole number from 0 to 65535 (the port to listen on; 0 picks a free one; got "http")'],
    ['PORT', '70000', 'PORT: must be a whole number from 0 to 65535 (the port to listen on; 0 picks a free one; got "70000")'],
    ['PORT', '3000.5', 'PORT: must be a whole number from 0 to 65535 (the port to listen on; 0 picks a free one; got "3000.5")'],
    ['SCHEDULER_INTERVAL_SECONDS', '0', 'SCHEDULER_INTERVAL_SECONDS: must be a number from 1 to 86400 (seconds between scheduler ticks; got "0")'],
    ['CLOCK_OFFSET_DAYS', 'soon', 'CLOCK_OFFSET_DAYS: must be a number from -36500 to 36500 (days the server clock runs ahead; got "soon")']
  ])('%s=%s is refused with a sentence naming the variable', (name, value, message) => {
    const error = (() => { try { configFrom({ [name]: value }); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([message]);
  });

  it('DATABASE_URL selects PostgreSQL; DATABASE_POOL_SIZE sizes its pool; anything else is refused clearly', () => {
    expect(configFrom({ DATABASE_URL: 'postgres://app:pw@db.internal:5432/experiments' }).databaseUrl)
      .toBe('postgres://app:pw@db.internal:5432/experiments');
    expect(configFrom({ DATABASE_URL: 'postgresql://localhost/experiments' }).databaseUrl).toBe('postgresql://localhost/experiments');
    expect(configFrom({ DATABASE_URL: '' }).databaseUrl).toBeNull();
    expect(configFrom({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
    const problems = (env: Record<string, string>) => {
      try { configFrom(env); } catch (e) { return (e as ConfigError).problems; }
      return [];
    };
    expect(problems({ DATABASE_URL: 'mysql://root:secret@db/experiments' })).toEqual([
      'DATABASE_URL: must be a PostgreSQL URL starting with postgres:// or postgresql:// (got "mysql://…@db/experiments"); ' +
      'leave it unset to use the SQLite file at DATABASE_PATH'
    ]);
    expect(problems({ DATABASE_URL: 'data/app.db' })[0]).toMatch(/^DATABASE_URL: must be a PostgreSQL URL/);
    expect(problems({ DATABASE_POOL_SIZE: '0' })).toEqual([
      'DATABASE_POOL_SIZE: must be a whole number from 1 to 1000 (connections per server process to PostgreSQL; got "0")'
    ]);
  });

  it('names every bad variable at once', () => {
    expect(() => configFrom({ INGEST_WRITER: 'fast', ALLOW_CLOCK_CONTROL: 'yes' })).toThrow(
      /^invalid configuration: INGEST_WRITER: .*; ALLOW_CLOCK_CONTROL: .*$/
    );
  });
});
