import { auditLog } from '$calendar/audit-log.ts';
import { data } from '$lib/server/db.ts';
import type { PageServerLoad } from './$types';

const entityTypes = ['experiment', 'plan', 'metric', 'layer', 'idea', 'playbook', 'key'] as const;

export const load: PageServerLoad = async ({ url }) => {
  const raw = url.searchParams.get('entity') ?? '';
  const entityType = (entityTypes as readonly string[]).includes(raw) ? raw : undefined;
  const entityId = url.searchParams.get('id')?.trim().slice(0, 200) || undefined;
  return {
    entityTypes, entityType: entityType ?? '', entityId: entityId ?? '',
    lines: await auditLog(data(), { ...(entityType ? { entityType } : {}), ...(entityType && entityId ? { entityId } : {}), limit: 300 })
  };
};
