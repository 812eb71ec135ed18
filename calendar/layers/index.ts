export { createLayer, listLayers, createLayerInput, type LayerRow, type LayerSummary } from './commands.ts';
export { setLayerSlices, deleteLayer, sliceProblem, sliceClashes, type Slice } from './slices.ts';
