export {
  limits, bodySizeLimit, userIdSchema, attributesSchema, timestampSchema, timestampProblem, batchSchema
} from './limits.ts';
