/** An experiment's share of the eligible users: coverage × its exclusive layer slice. */
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
});
