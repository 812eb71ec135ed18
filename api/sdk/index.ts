export { clientCors, originAllowed } from './cors.ts';
