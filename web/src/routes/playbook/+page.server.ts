import { groupPlaybook, listPlaybook } from '$calendar/playbook/index.ts';
import { programImpacts } from '$calendar/plans/index.ts';
import { now } from '$calendar/clock.ts';
import { data } from '$lib/server/db.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
  const q = url.searchParams.get('q')?.slice(0, 200) ?? '';
  const [items, impacts] = await Promise.all([listPlaybook(data(), { q }), programImpacts(data(), now())]);
  return { q, groups: groupPlaybook(items), impacts };
};
