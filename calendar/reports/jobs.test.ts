/**
 * computeReportJob (calendar/reports/jobs.ts), what the report thread and the in-process runner
 * both run: a 'report' job is the report buildReport builds, a 'segments' job the attributes the
 * report can be split by.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/connection.ts';
import { experiments } from '../../db/schema.ts';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import { generateSynthetic } from '../../tests/reports/synthetic.ts';
import { seedOnFirstStart } from '../seed/index.ts';
import { buildReport } from './build.ts';
import { computeReportJob } from './jobs.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = Date.parse('2026-12-20T12:00:00Z');

let database: ReturnType<typeof tempDatabase>;
let db: Db;

beforeEach(() => {
  database = tempDatabase();
  db = database.db;
  seedOnFirstStart(db, Date.parse('2026-11-23T09:00:00Z'));
  const experimentId = db.select().from(experiments).where(eq(experiments.key, KEY)).get()!.id;
  generateSynthetic(db.$client, {
    experimentId, users: 200, seed: 7, startMs: START, days: 7,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
    events: [{ name: 'activation', rate: { control: 0.2, guided: 0.3 } }],
    attributes: (i) => ({ channel: i % 2 ? 'ads' : 'email' })
  });
});
afterEach(() => database.cleanup());

describe('computeReportJob', () => {
  it('a report job is the report of the key with the given options at the given time', () => {
    const report = computeReportJob(db, { op: 'report', key: KEY, options: { correction: 'bonferroni', segment: 'channel' }, nowMs: NOW });
    expect(report).toEqual(buildReport(db, KEY, { correction: 'bonferroni', segment: 'channel' }, NOW));
    expect(report).toMatchObject({ correction: 'bonferroni', generatedAtMs: NOW, segments: { attribute: 'channel' } });
  });

  it('a segments job is the exposure attributes of the key', () => {
    expect(computeReportJob(db, { op: 'segments', key: KEY })).toEqual(['channel']);
  });
});
