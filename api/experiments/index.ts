export { experimentReadRoutes } from './read-routes.ts';
