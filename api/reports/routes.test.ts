import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, snapshotTestApp, type TestApp, type TestAppSnapshot } from '../../tests/helpers/test-app.ts';
import { reloadConfig } from '../../db/config.ts';
import { restartExperiment } from '../../calendar/experiments/index.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const START = Date.parse('2026-11-30T00:00:00Z');
// Works with and without the auth middleware: the environment key is an admin key.
const ADMIN = 'test-admin-key-for-report-routes';
const headers = { authorization: `Bearer ${ADMIN}` };

let t: TestApp;
const saved = process.env.ADMIN_API_KEY;
beforeAll(() => { process.env.ADMIN_API_KEY = ADMIN; reloadConfig(); });
afterAll(() => { if (saved === undefined) delete process.env.ADMIN_API_KEY; else process.env.ADMIN_API_KEY = saved; reloadConfig(); });

// The stopped experiment with 20,000 synthetic users, built once; each test starts from a copy.
let snapshot: TestAppSnapshot;
beforeAll(async () => {
  const base = await createTestApp({ nowMs: Date.parse('2026-12-20T12:00:00Z') });
  const id = await base.rows.experimentId(KEY);
  await base.data.experiments.update(id, { status: 'stopped', startedAtMs: START, stoppedAtMs: START + 14 * 86_400_000 });
  await base.rows.synthetic({
    experimentId: id, users: 20_000, seed: 3, startMs: START, days: 14,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
    events: [
      { name: 'activation', rate: { control: 0.12, guided: 0.18 } },
      { name: 'unsubscribe', rate: { control: 0.05, guided: 0.03 } },
      { name: 'activation_hours', rate: { control: 0.12, guided: 0.18 }, meanValue: { control: 30, guided: 25 } }
    ],
    attributes: (i) => ({ channel: i % 2 ? 'email, "weekly"' : 'in-app' })
  });
  snapshot = await snapshotTestApp(base);
}, 180_000); // the file's first PostgreSQL database may wait for the run's cluster to start (initdb: 30 s under load)
afterAll(() => snapshot?.dispose());
beforeEach(async () => { t = await createTestApp({ from: snapshot }); });
afterEach(() => t.cleanup());

const get = (path: string) => t.app.request(path, { headers });
const post = (path: string, body: unknown) => t.app.request(path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A minimal RFC 4180 parser, so the test checks the CSV the way a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += ch;
  }
  return rows;
}

describe('GET /api/v1/experiments/{key}/results', () => {
  it('returns the report with the computed decision', async () => {
    const res = await get(`/api/v1/experiments/${KEY}/results`);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ analysis: 'fixed', correction: 'holm', decision: { outcome: 'ship', winningVariant: 'guided' } });
    expect(report.metrics.map((m: { key: string }) => m.key)).toEqual(['activation', 'ebook_access', 'time_to_activation', 'unsubscribe']);
  });

  it('takes analysis, correction and segment options', async () => {
    const res = await get(`/api/v1/experiments/${KEY}/results?analysis=sequential&correction=bonferroni&segment=channel`);
    const report = await res.json();
    expect([report.analysis, report.correction, report.segments.attribute]).toEqual(['sequential', 'bonferroni', 'channel']);
    expect(report.segments.values).toHaveLength(2);
  });

  const bad: Array<[string, string, number, RegExp]> = [
    ['unknown analysis', '?analysis=bayes', 400, /analysis/],
    ['unknown correction', '?correction=sidak', 400, /correction/],
    ['segment with a quote', '?segment=a%22b', 400, /segment/],
    ['unknown format', '?format=xml', 400, /format/]
  ];
  it.each(bad)('rejects %s with a 400 that says what', async (_name, query, status, message) => {
    const res = await get(`/api/v1/experiments/${KEY}/results${query}`);
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toMatch(message);
  });

  it('is a JSON 404 for an unknown experiment', async () => {
    const res = await get('/api/v1/experiments/nope/results');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('exports', () => {
  it.each([['/results.md'], ['/results?format=md']])('Markdown at %s has the decision, a health table and a metric table', async (path) => {
    const res = await get(`/api/v1/experiments/${KEY}${path}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/markdown/);
    const md = await res.text();
    expect(md).toMatch(/^# Onboarding reminder about e-book access/);
    expect(md).toContain('**Decision: Ship — guided**');
    expect(md).toMatch(/\| Metric \| Role \| Variant \|/);
    // every table row has the same number of cells as its header
    const table = md.split('\n').filter((l) => l.startsWith('| 7-day activation'));
    expect(table).toHaveLength(2);
    for (const line of table) expect(line.split(/(?<!\\)\|/).length).toBe(12);
  });

  it('CSV parses into one row per metric, variant and segment, with quoted fields intact', async () => {
    const res = await get(`/api/v1/experiments/${KEY}/results.csv?segment=channel`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(await res.text());
    const [header, ...data] = rows;
    expect(header.slice(0, 3)).toEqual(['segment', 'metric_key', 'metric_name']);
    expect(data.every((r) => r.length === header.length)).toBe(true);
    expect(data).toHaveLength(4 * 2 * 3); // 4 metrics × 2 variants × (all + 2 segments)
    expect(new Set(data.map((r) => r[0]))).toEqual(new Set(['(all)', 'email, "weekly"', 'in-app']));
    const guided = data.find((r) => r[0] === '(all)' && r[1] === 'activation' && r[5] === 'guided')!;
    expect(Number(guided[header.indexOf('relative_lift')])).toBeGreaterThan(0.3);
  });
});

describe('restarts in the report and its exports', () => {
  it('JSON, Markdown and CSV carry each restart (when, who, reason), user text escaped per format', async () => {
    const reason = 'link | <b>broken</b>, "fixed"';
    await restartExperiment(t.data, KEY, reason, { actor: 'ana', nowMs: Date.parse('2026-12-18T09:00:00Z') });
    const report = await (await get(`/api/v1/experiments/${KEY}/results`)).json();
    expect(report.restarts).toEqual([{ atMs: Date.parse('2026-12-18T09:00:00Z'), actor: 'ana', reason }]);
    const md = await (await get(`/api/v1/experiments/${KEY}/results.md`)).text();
    expect(md).toContain('> ⚠ **Restarted after a stop** on 2026-12-18 by ana \\(“link \\| \\<b\\>broken\\</b\\>, "fixed"”\\).');
    const [header, ...rows] = parseCsv(await (await get(`/api/v1/experiments/${KEY}/results.csv`)).text());
    const column = header.indexOf('restarts');
    expect(column).toBe(header.length - 1);
    expect(new Set(rows.map((r) => r[column]))).toEqual(new Set([`on 2026-12-18 by ana (“${reason}”)`]));
  });

  it('a report without restarts says nothing about them', async () => {
    expect((await (await get(`/api/v1/experiments/${KEY}/results`)).json()).restarts).toEqual([]);
    expect(await (await get(`/api/v1/experiments/${KEY}/results.md`)).text()).not.toContain('Restarted');
  });
});

describe('POST /api/v1/experiments/{key}/decision', () => {
  it('records the final decision beside the computed one and audits both', async () => {
    const res = await post(`/api/v1/experiments/${KEY}/decision`, { finalDecision: 'ship', rationale: 'Clear win on activation.', decidedBy: 'ana' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ decision: { computedDecision: 'ship', finalDecision: 'ship', winningVariantKey: 'guided', decidedBy: 'ana' } });
    const audit = await t.rows.audit({ action: 'experiment.decision' });
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ computed: 'ship', final: 'ship', winner: 'guided', overridden: false });
    const report = await (await get(`/api/v1/experiments/${KEY}/results`)).json();
    expect(report.recorded).toMatchObject({ finalDecision: 'ship', decidedBy: 'ana' });
  });

  it('keeps an override with its rationale, and lists the history newest first', async () => {
    await post(`/api/v1/experiments/${KEY}/decision`, { finalDecision: 'ship', rationale: 'ok', decidedBy: 'ana' });
    t.clock.nowMs += 60_000;
    const res = await post(`/api/v1/experiments/${KEY}/decision`, { finalDecision: 'no-ship', rationale: 'Legal flagged the e-book copy.', decidedBy: 'bo' });
    expect(res.status).toBe(201);
    const history = await (await get(`/api/v1/experiments/${KEY}/decisions`)).json();
    expect(history.decisions.map((d: { finalDecision: string }) => d.finalDecision)).toEqual(['no-ship', 'ship']);
    const audit = await t.rows.audit({ action: 'experiment.decision' });
    expect(audit.at(-1)!.details).toMatchObject({ computed: 'ship', final: 'no-ship', overridden: true, rationale: 'Legal flagged the e-book copy.' });
  });

  const bad: Array<[string, unknown, number, string]> = [
    ['an unknown outcome', { finalDecision: 'maybe', rationale: 'x' }, 400, 'invalid_request'],
    ['no rationale', { finalDecision: 'ship' }, 400, 'invalid_request'],
    ['an unknown field', { finalDecision: 'ship', rationale: 'x', extra: 1 }, 400, 'invalid_request'],
    ['a winner that is not a treatment', { finalDecision: 'ship', winningVariantKey: 'control', rationale: 'because I say so' }, 422, 'invalid_input'],
    ['an override with a too-short rationale', { finalDecision: 'harmful', rationale: 'no' }, 422, 'invalid_input']
  ];
  it.each(bad)('rejects %s', async (_name, body, status, code) => {
    const res = await post(`/api/v1/experiments/${KEY}/decision`, body);
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it('blocks "ship" under a sample ratio mismatch unless the reviewer acknowledges it', async () => {
    await t.rows.run("UPDATE exposures SET variant_key = 'guided' WHERE variant_key = 'control' AND id % 8 = 0");
    const body = { finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'Logging bug found and fixed; effect holds in clean days.' };
    const blocked = await post(`/api/v1/experiments/${KEY}/decision`, body);
    expect(blocked.status).toBe(409);
    expect((await blocked.json()).error.message).toMatch(/sample ratio mismatch/);
    const acknowledged = await post(`/api/v1/experiments/${KEY}/decision`, { ...body, acknowledgeSrm: true });
    expect(acknowledged.status).toBe(201);
    expect((await acknowledged.json()).computed).toMatchObject({ outcome: 'inconclusive', blockedBySrm: true });
  });

  it('rejects malformed JSON with a 400', async () => {
    const res = await t.app.request(`/api/v1/experiments/${KEY}/decision`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toEqual({ code: 'bad_request', message: 'Malformed JSON in request body' });
  });
});
