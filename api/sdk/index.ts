export { clientCors, originAllowed } from './cors.ts';
export { sdkRoutes, sdkDocs, payloadCacheControl } from './routes.ts';
export { closeAllStreams } from './streams.ts';
export { payloadCacheFor, PayloadCache, type PayloadSnapshot } from './payload-cache.ts';
export { buildFeatures, featureOf, type FeatureApiResponse, type FeatureDefinition, type FeatureRule, type PayloadSource } from './payload.ts';
export { toGrowthBookCondition, targetingCondition } from './conditions.ts';
