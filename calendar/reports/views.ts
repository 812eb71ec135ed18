import type { Data } from '../../db/store/index.ts';
import { NotFoundError } from '../errors.ts';

/**
 * Counts one view of experiment `key`'s report (the report page and `GET .../results`). An
 * amendment records the count at its time: a change of criteria after looking invites suspicion.
 * @example await countReportView(data, 'w01-onboarding-ebook-reminder') // 1
 */
export async function countReportView(data: Data, key: string): Promise<number> {
  const row = await data.experiments.byKey(key);
  if (!row) throw new NotFoundError('experiment', key);
  return data.experiments.countReportView(row.id);
}
