/** The metric library shows which experiments use each metric. */
import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { NotFoundError } from '../errors.ts';
import { createMetric } from './index.ts';
import { metricsWithUsage, metricWithUsage } from './usage.ts';

let data: Data;
useSeededDatabase(new Date(2026, 10, 25, 10).getTime(), (_db, fresh) => { data = fresh; });

describe('metric usage', () => {
  it('every metric with its experiments; a new metric is used by none', async () => {
    await createMetric(data, { key: 'zz_new', name: 'New', kind: 'binomial', eventName: 'zz' }, { actor: 'ana', nowMs: 1 });
    const all = await metricsWithUsage(data);
    expect(all.map((m) => m.key)).toEqual([...all.map((m) => m.key)].sort());
    expect(all.find((m) => m.key === 'zz_new')!.usedBy).toEqual([]);
    const activation = await metricWithUsage(data, 'activation');
    expect(activation.usedBy.length).toBeGreaterThan(0);
    expect(activation.usedBy).toContainEqual({ experimentKey: 'w01-onboarding-ebook-reminder', experimentName: expect.any(String), status: 'scheduled', role: 'primary' });
    expect(all.find((m) => m.key === 'activation')!.usedBy).toEqual(activation.usedBy);
  });

  it('an unknown metric is not found', async () => {
    await expect(metricWithUsage(data, 'nope')).rejects.toThrow(NotFoundError);
  });
});
