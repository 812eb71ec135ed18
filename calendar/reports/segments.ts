import { eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experiments } from '../../db/schema.ts';
import { segmentAttributes } from '../../db/queries/index.ts';
import { NotFoundError } from '../errors.ts';

/** Exposure attributes the report can be split by (for the segment tabs). */
export function availableSegments(db: Db, key: string): string[] {
  const e = db.select({ id: experiments.id }).from(experiments).where(eq(experiments.key, key)).get();
  if (!e) throw new NotFoundError('experiment', key);
  return segmentAttributes(db.$client, e.id);
}
