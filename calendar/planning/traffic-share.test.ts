/** An experiment's share of the eligible users: coverage × its exclusive layer slice × the users its plan does not hold out. */
import { describe, expect, it } from 'vitest';
import { trafficShareOf } from './experiment-power.ts';

describe('trafficShareOf', () => {
  // [name, experiment, share]
  it.each<[string, Parameters<typeof trafficShareOf>[0], number]>([
    ['no layer, full coverage', { coverage: 1, layerId: null, layerStart: null, layerEnd: null }, 1],
    ['no layer, a stray slice is ignored', { coverage: 0.5, layerId: null, layerStart: 0, layerEnd: 0.1 }, 0.5],
    ['half a layer', { coverage: 1, layerId: 3, layerStart: 0.5, layerEnd: 1 }, 0.5],
    ['coverage times slice', { coverage: 0.8, layerId: 3, layerStart: 0, layerEnd: 0.5 }, 0.4],
    ['a layer without a slice is the whole layer', { coverage: 0.6, layerId: 3, layerStart: null, layerEnd: null }, 0.6]
  ])('%s', (_name, e, share) => {
    expect(trafficShareOf(e)).toBeCloseTo(share, 12);
  });

  // [name, experiment, plan's holdout share, share]
  it.each<[string, Parameters<typeof trafficShareOf>[0], number, number]>([
    ['a 5% program holdout leaves 95%', { coverage: 1, layerId: null, layerStart: null, layerEnd: null }, 0.05, 0.95],
    ['holdout times slice times coverage', { coverage: 0.8, layerId: 3, layerStart: 0, layerEnd: 0.5 }, 0.2, 0.32],
    ['no holdout', { coverage: 0.5, layerId: null, layerStart: null, layerEnd: null }, 0, 0.5]
  ])('%s', (_name, e, holdout, share) => {
    expect(trafficShareOf(e, holdout)).toBeCloseTo(share, 12);
  });
});
