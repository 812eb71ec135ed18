export { createLayer, listLayers, createLayerInput, type LayerRow, type LayerSummary } from './commands.ts';
