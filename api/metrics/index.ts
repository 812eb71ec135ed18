export { metricEditRoutes } from './routes.ts';
