import { describe, expect, it } from 'vitest';
import type { Experiment, ExperimentStatus, Variant } from '../../calendar/model.ts';
import { featureOf, buildFeatures, type PayloadSource } from './payload.ts';

const variant = (key: string, position: number, weight = 0.5): Variant =>
  ({ id: position, experimentId: 1, key, name: key.toUpperCase(), description: null, weight, isControl: position === 0, position });

function source(status: ExperimentStatus, patch: Partial<Experiment> = {}, layerKey: string | null = null): PayloadSource {
  const experiment = {
    id: 1, key: 'hero', name: 'Hero', status, coverage: 1, seed: null, hashVersion: 2, layerId: layerKey ? 1 : null,
    layerStart: layerKey ? 0.2 : null, layerEnd: layerKey ? 0.6 : null, targeting: [], forcedVariants: {}, rolloutVariantKey: null, ...patch
  } as Experiment;
  return { experiment, variants: [variant('control', 0), variant('treatment', 1)], layerKey };
}

const rule = (extra: object = {}) => ({
  id: 'hero:experiment', key: 'hero', variations: ['control', 'treatment'], weights: [0.5, 0.5], coverage: 1, hashAttribute: 'id',
  hashVersion: 2, seed: 'hero', name: 'Hero', phase: '0', meta: [{ key: 'control', name: 'CONTROL' }, { key: 'treatment', name: 'TREATMENT' }], ...extra
});
const forced = { id: 'hero:forced:treatment', condition: { id: { $in: ['qa-ana'] } }, force: 'treatment' };

describe('featureOf', () => {
  it.each<[string, PayloadSource, object]>([
    ['running', source('running'), { defaultValue: 'control', rules: [rule()] }],
    ['running, seeded, partial coverage', source('running', { seed: 's1', coverage: 0.3 }), { defaultValue: 'control', rules: [rule({ seed: 's1', coverage: 0.3 })] }],
    ['running in a layer slice', source('running', {}, 'checkout'), { defaultValue: 'control', rules: [rule({ namespace: ['checkout', 0.2, 0.6] })] }],
    ['running with targeting', source('running', { targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }] }),
      { defaultValue: 'control', rules: [rule({ condition: { country: { $in: ['TR'] } } })] }],
    ['running with QA users (one empty id, one stale variant: ignored)', source('running', { forcedVariants: { 'qa-ana': 'treatment', '': 'treatment', 'qa-bo': 'gone' } }),
      { defaultValue: 'control', rules: [forced, rule()] }],
    ['scheduled: QA users only', source('scheduled', { forcedVariants: { 'qa-ana': 'treatment' } }), { defaultValue: 'control', rules: [forced] }],
    ['stopped: the control, QA users too', source('stopped', { forcedVariants: { 'qa-ana': 'treatment' } }), { defaultValue: 'control' }],
    ['concluded with a rolled-out winner', source('concluded', { rolloutVariantKey: 'treatment', forcedVariants: { 'qa-ana': 'control' } }),
      { defaultValue: 'control', rules: [{ id: 'hero:rollout', force: 'treatment' }] }],
    ['concluded without', source('concluded'), { defaultValue: 'control' }],
    ['draft', source('draft'), { defaultValue: 'control' }]
  ])('%s', (_name, input, feature) => expect(featureOf(input)).toEqual(feature));

  it('buildFeatures keys features by experiment key, in key order', () => {
    const b = source('running', { key: 'b' });
    const a = source('stopped', { key: 'a' });
    expect(Object.keys(buildFeatures([b, a]))).toEqual(['a', 'b']);
  });
});
