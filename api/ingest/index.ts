export { ingestRoutes } from './routes.ts';
export { recordEvents } from './events.ts';
export { recordExposures } from './exposures.ts';
