export { ofrepRoutes } from './routes.ts';
export { parseContext, toEvaluation, type OfrepErrorCode } from './evaluation.ts';
