import { error } from '@sveltejs/kit';
import { auditLog } from '$calendar/audit-log.ts';
import { getExperimentDetail } from '$calendar/experiments/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
  const experiment = await getExperimentDetail(data(), params.key).catch((err) => {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  });
  return { experiment: { key: experiment.key, name: experiment.name }, lines: await auditLog(data(), { entityType: 'experiment', entityId: params.key, limit: 500 }) };
};
