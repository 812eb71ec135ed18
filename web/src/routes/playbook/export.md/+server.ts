import { exportPlaybookMarkdown } from '$calendar/playbook/index.ts';
import { now } from '$calendar/clock.ts';
import { data } from '$lib/server/db.ts';
import type { RequestHandler } from './$types';

/** The playbook (optionally searched with `?q=`) as a Markdown file. */
export const GET: RequestHandler = async ({ url }) => {
  const q = url.searchParams.get('q')?.slice(0, 200) ?? '';
  const md = await exportPlaybookMarkdown(data(), { q, baseUrl: url.origin, nowMs: now() });
  return new Response(md, { headers: { 'content-type': 'text/markdown; charset=utf-8', 'content-disposition': 'attachment; filename="playbook.md"' } });
};
