import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from './connection.ts';
import { plans } from './schema.ts';
import { tempDatabase } from '../../tests/helpers/test-app.ts';

describe('database connection', () => {
  it('uses WAL, foreign keys and full sync, and applies migrations', () => {
    const t = tempDatabase();
    try {
      expect(t.db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(t.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(t.db.$client.pragma('synchronous', { simple: true })).toBe(2);
      const tables = t.db.$client.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
      expect(tables.map((r) => r.name)).toEqual(expect.arrayContaining([
        'plans', 'experiments', 'variants', 'metrics', 'experiment_metrics', 'success_criteria',
        'exposures', 'events', 'playbook_entries', 'api_keys', 'audit_log', 'layers', 'ideas', 'decisions'
      ]));
    } finally { t.cleanup(); }
  });

  it('returns the same connection for the same path, and keeps data across reopen', () => {
    const t = tempDatabase();
    try {
      expect(openDatabase(t.path)).toBe(t.db);
      t.db.insert(plans).values({ name: 'Q1', startDate: '2027-01-04' }).run();
      closeDatabase(t.path);
      const reopened = openDatabase(t.path);
      expect(reopened).not.toBe(t.db);
      expect(reopened.select().from(plans).all().map((p) => p.name)).toEqual(['Q1']);
    } finally { t.cleanup(); }
  });

  it('rejects rows that break a foreign key', () => {
    const t = tempDatabase();
    try {
      expect(() => t.db.$client.prepare(
        "insert into variants (experiment_id, key, name, weight, position) values (999, 'a', 'A', 1, 0)"
      ).run()).toThrow(/FOREIGN KEY/);
    } finally { t.cleanup(); }
  });
});
