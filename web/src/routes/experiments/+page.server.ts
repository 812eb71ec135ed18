import { findExperiments, type ExperimentFilter } from '$calendar/experiments/index.ts';
import { channels, experimentStatuses } from '$calendar/model.ts';
import { data } from '$lib/server/db.ts';
import type { PageServerLoad } from './$types';

/** The filter from the query string; unknown values are ignored rather than failing the page. */
function filterOf(url: URL): ExperimentFilter {
  const get = (name: string) => url.searchParams.get(name)?.trim().slice(0, 200) || undefined;
  const status = get('status');
  const channel = get('channel');
  const planId = Number(get('plan'));
  return {
    q: get('q'), owner: get('owner'),
    status: status && (experimentStatuses as readonly string[]).includes(status) ? status : undefined,
    channel: channel && (channels as readonly string[]).includes(channel) ? channel : undefined,
    planId: Number.isInteger(planId) && planId > 0 ? planId : undefined
  };
}

export const load: PageServerLoad = async ({ url }) => {
  const filter = filterOf(url);
  return { filter, ...(await findExperiments(data(), filter)), statuses: experimentStatuses, channels };
};
