import { groupPlaybook, listPlaybook } from '$calendar/playbook/index.ts';
import { db } from '$lib/server/db.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => {
  const q = url.searchParams.get('q')?.slice(0, 200) ?? '';
  return { q, groups: groupPlaybook(listPlaybook(db(), { q })) };
};
