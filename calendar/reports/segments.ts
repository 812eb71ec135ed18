import type { Data } from '../../db/store/index.ts';
import { NotFoundError } from '../errors.ts';

/**
 * Exposure attributes the report can be split by (for the segment tabs).
 * @example await availableSegments(data, 'w01-onboarding-ebook-reminder') // ['channel']
 */
export async function availableSegments(data: Data, key: string): Promise<string[]> {
  const e = await data.experiments.byKey(key);
  if (!e) throw new NotFoundError('experiment', key);
  return data.reportSource.segmentAttributes(e.id);
}
