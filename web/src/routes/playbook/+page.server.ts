import { groupPlaybook, listPlaybook } from '$calendar/playbook/index.ts';
import { data } from '$lib/server/db.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
  const q = url.searchParams.get('q')?.slice(0, 200) ?? '';
  return { q, groups: groupPlaybook(await listPlaybook(data(), { q })) };
};
