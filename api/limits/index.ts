export {
  limits, bodySizeLimit, userIdSchema, attributesSchema, timestampSchema, timestampProblem, exposureStartProblem, batchSchema
} from './limits.ts';
