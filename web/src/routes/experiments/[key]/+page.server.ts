import { error } from '@sveltejs/kit';
import { getExperimentDetail } from '$calendar/experiments/index.ts';
import { NotFoundError } from '$calendar/errors.ts';
import { db } from '$lib/server/db.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ params }) => {
  try {
    return { experiment: getExperimentDetail(db(), params.key) };
  } catch (err) {
    if (err instanceof NotFoundError) error(404, { message: err.message, code: err.code });
    throw err;
  }
};
