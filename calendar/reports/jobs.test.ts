/**
 * computeReportJob (calendar/reports/jobs.ts), what the report thread and the in-process runner
 * both run: a 'report' job is the report buildReport builds, a 'segments' job the attributes the
 * report can be split by.
 */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useReportDatabase } from '../../tests/helpers/report-rows.ts';
import { buildReport } from './build.ts';
import { computeReportJob } from './jobs.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = Date.parse('2026-12-20T12:00:00Z');

let data: Data;
useReportDatabase(Date.parse('2026-11-23T09:00:00Z'), async (fresh, rows) => {
  data = fresh;
  const experimentId = (await data.experiments.byKey(KEY))!.id;
  rows.synthetic({
    experimentId, users: 200, seed: 7, startMs: START, days: 7,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
    events: [{ name: 'activation', rate: { control: 0.2, guided: 0.3 } }],
    attributes: (i) => ({ channel: i % 2 ? 'ads' : 'email' })
  });
});

describe('computeReportJob', () => {
  it('a report job is the report of the key with the given options at the given time', async () => {
    const report = await computeReportJob(data, { op: 'report', key: KEY, options: { correction: 'bonferroni', segment: 'channel' }, nowMs: NOW });
    expect(report).toEqual(await buildReport(data, KEY, { correction: 'bonferroni', segment: 'channel' }, NOW));
    expect(report).toMatchObject({ correction: 'bonferroni', generatedAtMs: NOW, segments: { attribute: 'channel' } });
  });

  it('a segments job is the exposure attributes of the key', async () => {
    expect(await computeReportJob(data, { op: 'segments', key: KEY })).toEqual(['channel']);
  });
});
