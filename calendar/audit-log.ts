import type { Data } from '../db/store/index.ts';
import type { AuditRecord } from './model.ts';

/** What the audit pages show of one line: the record plus its action and details in words. */
export type AuditLine = AuditRecord & { what: string; detailText: string };

const verbs: Record<string, string> = {
  'experiment.create': 'created the experiment', 'experiment.update': 'edited the experiment',
  'experiment.schedule': 'scheduled', 'experiment.unschedule': 'moved back to draft', 'experiment.start': 'started',
  'experiment.stop': 'stopped', 'experiment.conclude': 'concluded', 'experiment.promote': 'promoted',
  'experiment.start-refused': 'could not start', 'experiment.extend': 'extended the duration',
  'experiment.reschedule': 'moved to another week', 'experiment.layer': 'changed the layer slice',
  'experiment.decision': 'recorded a decision', 'experiment.variants-changed-while-running': 'changed variants while running',
  'plan.create': 'created the plan', 'plan.update': 'edited the plan', 'plan.start': 'accepted and started the plan',
  'plan.delete': 'deleted the plan', 'plan.seeded': 'loaded the starter plan', 'plan.draft-next': 'drafted the next plan',
  'plan.calendar-token': 'renewed the calendar feed link', 'metric.create': 'created the metric', 'metric.update': 'edited the metric',
  'layer.create': 'created the layer', 'layer.delete': 'removed the layer', 'idea.create': 'added the idea',
  'idea.drop': 'dropped the idea', 'idea.schedule': 'moved the idea into a week', 'playbook.create': 'added to the playbook',
  'experiment.rollout': 'changed the rollout'
};

/** "experiment.start" → "started"; an unknown action reads as its words ("key.rotate" → "key rotate"). */
export function auditVerb(action: string): string {
  return verbs[action] ?? action.replace(/[._-]+/g, ' ');
}

const label = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

type Pair = { from: unknown; to: unknown };
const isPair = (v: unknown): v is Pair => !!v && typeof v === 'object' && !Array.isArray(v) && 'from' in v && 'to' in v;
const same = (p: Pair) => JSON.stringify(p.from ?? null) === JSON.stringify(p.to ?? null);

function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(valueText).join(', ') || '—';
  if (isPair(value)) return `${valueText(value.from)} → ${valueText(value.to)}`;
  if (typeof value === 'object') {
    // Nested changes ({ name: { from, to }, ... }) list only what changed.
    return Object.entries(value as Record<string, unknown>).filter(([, v]) => !(isPair(v) && same(v)))
      .map(([k, v]) => `${label(k)} ${valueText(v)}`).join(', ') || '—';
  }
  return String(value);
}

/**
 * An audit record's details as one plain line, never JSON: `{from, to}` pairs read
 * "a → b", nested objects "name value", lists are joined.
 * @example auditDetailText({ from: 'draft', to: 'running', startDate: { from: '2026-12-07', to: '2026-12-02' } }) // 'draft → running; start date 2026-12-07 → 2026-12-02'
 */
export function auditDetailText(details: Record<string, unknown>): string {
  const parts: string[] = [];
  const pairAtTop = details.from !== undefined && details.to !== undefined;
  if (pairAtTop) parts.push(`${valueText(details.from)} → ${valueText(details.to)}`);
  for (const [key, value] of Object.entries(details)) {
    if (pairAtTop && (key === 'from' || key === 'to')) continue;
    if (value === undefined || (isPair(value) && same(value))) continue;
    parts.push(isPair(value) ? `${label(key)} ${valueText(value)}` : `${label(key)}: ${valueText(value)}`);
  }
  return parts.join('; ');
}

/**
 * The audit log, newest first: of one entity (an experiment's key, a metric's key) or all of it,
 * at most `limit` lines (default 200), each with its action and details in words.
 * @example (await auditLog(data, { entityType: 'experiment', entityId: 'w01-onboarding-ebook-reminder' }))[0].what // 'started'
 */
export async function auditLog(data: Data, filter: { entityType?: string; entityId?: string; limit?: number } = {}): Promise<AuditLine[]> {
  const rows = await data.audit.list({ ...filter, limit: filter.limit ?? 200 });
  return rows.map((r) => ({ ...r, what: auditVerb(r.action), detailText: auditDetailText(r.details) }));
}
