// The Markdown and CSV exports and the number formats they share, on hand-built reports, so every
// cell, label and separator is pinned to a known value (no database, no clock, no time zone).
import { describe, expect, it } from 'vitest';
import { reportToCsv } from './export-csv.ts';
import { reportToMarkdown } from './export-markdown.ts';
import { meanText, outcomeLabel, pValueText, signedPercent } from './format.ts';
import type { ComparisonResult, MetricResult, Report } from './types.ts';

const GENERATED = Date.UTC(2026, 11, 20, 12, 0, 0);

function comparison(variant: string, fields: Partial<ComparisonResult>): ComparisonResult {
  return {
    variant, control: 0.1, treatment: 0.125,
    absolute: { estimate: 0.025, ciLow: 0.005, ciHigh: 0.045 },
    relative: { estimate: 0.25, ciLow: 0.05, ciHigh: 0.45 },
    pValue: 0.0002, adjustedPValue: 0.0004, chanceToBeatControl: 0.991, significant: true, verdict: 'better',
    ...fields
  };
}

const activation: MetricResult = {
  key: 'activation', name: 'Activation', kind: 'binomial', role: 'primary', direction: 'increase', windowDays: 7, cap: null,
  arms: [{ variant: 'control', users: 1234, mean: 0.1 }, { variant: 'b', users: 1100, mean: 0.125 }],
  comparisons: [comparison('b', {})], guardrails: [], notes: []
};
const revenue: MetricResult = {
  key: 'revenue', name: 'Revenue', kind: 'sum', role: 'secondary', direction: 'increase', windowDays: 14, cap: 500,
  arms: [{ variant: 'control', users: 1234, mean: 12345.678 }, { variant: 'b', users: 1100, mean: 3.14159 }],
  comparisons: [comparison('b', {
    control: 12345.678, treatment: 3.14159, absolute: { estimate: -12342.5, ciLow: -13000, ciHigh: -11000 },
    relative: { estimate: -0.1, ciLow: -0.2, ciHigh: 0 }, pValue: 0.0005, adjustedPValue: 0.001, chanceToBeatControl: 0.05, verdict: 'worse'
  })],
  guardrails: [], notes: []
};
const unsubscribe: MetricResult = {
  key: 'unsubscribe', name: 'Unsubscribe', kind: 'binomial', role: 'guardrail', direction: 'decrease', windowDays: 7, cap: null,
  arms: [{ variant: 'control', users: 1234, mean: 0 }, { variant: 'b', users: 1100, mean: 0.01 }],
  comparisons: [comparison('b', {
    control: 0, treatment: 0.01, absolute: { estimate: 0.01, ciLow: -0.002, ciHigh: 0.022 }, relative: null,
    pValue: 0.2, adjustedPValue: 0.2, chanceToBeatControl: 0.4, significant: false, verdict: 'flat'
  })],
  guardrails: [
    { variant: 'b', maxRelativeDegradation: 0.05, worstRelativeChange: 0.031, nonInferior: false, pValue: 0.3, sampleScaleNeeded: 2 },
    { variant: 'b', maxRelativeDegradation: 0.025, worstRelativeChange: null, nonInferior: true, pValue: null, sampleScaleNeeded: null }
  ],
  notes: []
};

function fullReport(): Report {
  return {
    experiment: { key: 'w99-checkout', name: 'Checkout copy', status: 'stopped', startDate: '2026-12-01', endDate: '2026-12-14', durationDays: 14, plannedMde: 0.2, hypothesis: null },
    generatedAtMs: GENERATED, analysis: 'fixed', correction: 'holm', alpha: 0.05,
    variants: [{ key: 'control', name: 'Control', weight: 1, isControl: true }, { key: 'b', name: 'B', weight: 1, isControl: false }],
    criteria: [{ kind: 'lift', metricKey: 'activation', description: 'Activation ≥ +20%, p < 0.05', minRelativeLift: 0.2, maxPValue: 0.05, maxRelativeDegradation: null }],
    exploratory: false, registration: null, amendedDecision: null,
    health: {
      srm: { pValue: 0.0123, chiSquare: 6.3, mismatch: true, observed: { control: 1234, b: 1100 }, expectedShare: { control: 0.5, b: 0.5 } },
      exposuresByDay: [], multipleVariantUsers: 3, daysRun: 7, daysPlanned: 14, usersExposed: 2334, usersNeeded: 10000,
      usersNeededBasis: 'planned MDE', warnings: ['Traffic is low.']
    },
    metrics: [activation, revenue, unsubscribe],
    segments: {
      attribute: 'country', caveat: 'Exploratory.',
      values: [{
        value: 'TR', users: 1500, metrics: [{
          ...revenue, arms: [{ variant: 'control', users: 700, mean: 1000 }, { variant: 'b', users: 800, mean: -2500.4 }], comparisons: []
        }]
      }]
    },
    cumulative: [],
    decision: { outcome: 'ship', winningVariant: 'b', reasons: ['Lift above the bar.', 'Guardrails hold.'], blockedBySrm: false, needed: null, primary: null },
    recorded: { id: 1, computedDecision: 'ship', finalDecision: 'no-ship', winningVariantKey: null, rationale: 'Legal flagged the copy.', decidedBy: 'ana', decidedAtMs: GENERATED },
    restarts: []
  };
}

describe('reportToMarkdown', () => {
  it('renders every section of a full report, cell by cell', () => {
    expect(reportToMarkdown(fullReport()).split('\n')).toEqual([
      '# Checkout copy (`w99-checkout`)',
      '',
      '**Reviewer: Do not ship — computed: Ship, because lift above the bar.**',
      '',
      '**Decision: Ship — b** (computed from the success criteria; fixed-horizon analysis, holm correction, α = 0.05)',
      '',
      '- Lift above the bar.',
      '- Guardrails hold.',
      '',
      '**Reviewer decision: Do not ship** by ana on 2026-12-20: Legal flagged the copy.',
      '',
      '## Health',
      '',
      '| Check | Value |',
      '| --- | --- |',
      '| Sample ratio | ⚠ mismatch (p = 0.012; control 1,234, b 1,100) |',
      '| Users exposed | 2,334 of 10,000 needed |',
      '| Days run | 7 of 14 planned |',
      '| Users exposed to more than one variant | 3 |',
      '',
      '> ⚠ Traffic is low.',
      '',
      '## Metrics',
      '',
      '| Metric | Role | Variant | Users | Mean | Lift | 95% CI | p (adj.) | Chance to beat control | Result |',
      '| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
      '| Activation (↑) | primary | control | 1,234 | 10.00% | control |  |  |  |  |',
      '| Activation (↑) | primary | b | 1,100 | 12.50% | +25.0% | +5.0% to +45.0% | < 0.001 | 99% | better |',
      '| Revenue (↑) | secondary | control | 1,234 | 12,346 | control |  |  |  |  |',
      '| Revenue (↑) | secondary | b | 1,100 | 3.142 | -10.0% | -20.0% to 0.0% | 0.001 | 5% | worse |',
      '| Unsubscribe (↓) | guardrail | control | 1,234 | 0.00% | control |  |  |  |  |',
      '| Unsubscribe (↓) | guardrail | b | 1,100 | 1.00% | — |  | 0.200 | 40% | flat |',
      '',
      '## Guardrails (non-inferiority)',
      '',
      '| Metric | Variant | Limit | Worst plausible change | Within limit |',
      '| --- | --- | ---: | ---: | --- |',
      '| Unsubscribe | b | 5.0% worse | +3.1% | not shown |',
      '| Unsubscribe | b | 2.5% worse | — | yes |',
      '',
      '## Segments by country (exploratory)',
      '',
      '_Exploratory._',
      '',
      '### TR (1,500 users)',
      '',
      '| Metric | Role | Variant | Users | Mean | Lift | 95% CI | p (adj.) | Chance to beat control | Result |',
      '| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
      '| Revenue (↑) | secondary | control | 700 | 1,000 | control |  |  |  |  |',
      '| Revenue (↑) | secondary | b | 800 | -2,500 | control |  |  |  |  |',
      '',
      '## Success criteria (pre-registered)',
      '',
      '- Activation ≥ +20%, p \\< 0.05',
      '',
      '_Generated 2026-12-20T12:00:00.000Z._',
      ''
    ]);
  });

  const variations: Array<[string, (r: Report) => void, string[], string[]]> = [
    ['no SRM data, no sample size, no warnings, no reviewer, no guardrails, no segments, no criteria', (r) => {
      r.health.srm = null; r.health.usersNeeded = null; r.health.warnings = []; r.recorded = null;
      r.metrics = [activation]; r.segments = null; r.criteria = [];
    }, ['| Sample ratio | no data |', '| Users exposed | 2,334 |', '- None written.'],
    ['Reviewer decision', '> ⚠', '## Guardrails', '## Segments', 'needed |']],
    ['a sample ratio within bounds', (r) => {
      r.health.srm = { pValue: 0.4812, chiSquare: 0.5, mismatch: false, observed: { control: 50, b: 48 }, expectedShare: { control: 0.5, b: 0.5 } };
    }, ['| Sample ratio | OK (p = 0.48; control 50, b 48) |'], ['⚠ mismatch']],
    ['sequential analysis without correction, no winner, another alpha', (r) => {
      r.analysis = 'sequential'; r.correction = 'none'; r.alpha = 0.1;
      r.decision = { ...r.decision, outcome: 'inconclusive', winningVariant: null };
    }, [
      '**Decision: Inconclusive** (computed from the success criteria; sequential, always-valid analysis, no correction, α = 0.1)',
      '| Metric | Role | Variant | Users | Mean | Lift | 90% CI | p (adj.) | Chance to beat control | Result |'
    ], ['95% CI', 'fixed-horizon']],
    ['a Benjamini-Hochberg correction and a harmful outcome', (r) => {
      r.correction = 'benjamini-hochberg'; r.decision = { ...r.decision, outcome: 'harmful', winningVariant: null };
    }, ['**Decision: Harmful** (computed from the success criteria; fixed-horizon analysis, benjamini-hochberg correction, α = 0.05)'], []],
    ['a reviewer "ship" with a winner and no rationale', (r) => {
      r.recorded = { id: 2, computedDecision: 'ship', finalDecision: 'ship', winningVariantKey: 'b', rationale: null, decidedBy: 'bo', decidedAtMs: Date.UTC(2026, 11, 21, 23, 59) };
    }, ['**Reviewer decision: Ship — b** by bo on 2026-12-21'], ['Legal']],
    ['a recorded outcome without a label is shown as written', (r) => {
      r.recorded = { ...r.recorded!, finalDecision: 'postponed' };
    }, ['**Reviewer decision: postponed** by ana on 2026-12-20: Legal flagged the copy.'], []],
    ['a reviewer who agrees with the computed decision: no override line', (r) => {
      r.recorded = { ...r.recorded!, finalDecision: 'ship' };
    }, ['**Reviewer decision: Ship** by ana on 2026-12-20: Legal flagged the copy.'], ['computed:']],
    ['exploratory, amended after three report views, with the amended decision beside', (r) => {
      r.exploratory = true;
      r.registration = {
        registeredAtMs: GENERATED, amendedCriteria: [],
        amendments: [{ atMs: Date.UTC(2026, 11, 10), actor: 'bo', reason: 'bar | was a typo', fields: ['criteria'], reportViews: 3, before: {}, after: {} }]
      };
      r.amendedDecision = { ...r.decision, outcome: 'inconclusive', winningVariant: null };
    }, [
      '_Exploratory: started without success criteria on purpose._',
      'By the amended criteria: Inconclusive (for comparison; the decision uses the registered criteria)',
      '- **Amended** criteria on 2026-12-10 by bo after 3 report views: bar \\| was a typo'
    ], []],
    ['pipes and line breaks inside a cell', (r) => {
      r.metrics = [{ ...activation, name: 'Pay | go\nnow' }];
    }, ['| Pay \\| go now (↑) | primary | control | 1,234 | 10.00% | control |  |  |  |  |'], []]
  ];
  it.each(variations)('%s', (_name, change, present, absent) => {
    const report = fullReport();
    change(report);
    const md = reportToMarkdown(report);
    const lines = md.split('\n');
    for (const line of present) expect(lines).toContain(line);
    for (const text of absent) expect(md).not.toContain(text);
  });
});

describe('reportToMarkdown: blank lines', () => {
  it('without warnings, one blank line separates the health table from the metrics', () => {
    const report = fullReport();
    report.health.warnings = [];
    const lines = reportToMarkdown(report).split('\n');
    const at = lines.indexOf('| Users exposed to more than one variant | 3 |');
    expect(lines.slice(at, at + 4)).toEqual(['| Users exposed to more than one variant | 3 |', '', '## Metrics', '']);
  });
});

describe('reportToCsv', () => {
  it('an arm without a mean (null) has an empty cell, not "null"', () => {
    const report = fullReport();
    report.metrics = [{ ...activation, arms: [{ variant: 'control', users: 0, mean: null }], comparisons: [] }];
    report.segments = null;
    expect(reportToCsv(report).split('\r\n')[1]).toBe('(all),activation,Activation,primary,increase,control,true,0,,,,,,,,,,,,,ship,no-ship,');
  });

  it('one row per metric and arm, then the segment rows, quoted as RFC 4180 asks, CRLF line ends', () => {
    const report = fullReport();
    report.metrics = [activation, { ...unsubscribe, name: 'Unsubscribe, "hard"\nbounce' }];
    report.segments!.values[0]!.metrics[0]!.arms[1]!.mean = Number.NaN;
    expect(reportToCsv(report)).toBe([
      'segment,metric_key,metric_name,role,direction,variant,is_control,users,mean,absolute_lift,absolute_ci_low,absolute_ci_high,relative_lift,relative_ci_low,relative_ci_high,p_value,adjusted_p_value,chance_to_beat_control,significant,verdict,computed_decision,reviewer_decision,restarts',
      '(all),activation,Activation,primary,increase,control,true,1234,0.1,,,,,,,,,,,,ship,no-ship,',
      '(all),activation,Activation,primary,increase,b,false,1100,0.125,0.025,0.005,0.045,0.25,0.05,0.45,0.0002,0.0004,0.991,true,better,ship,no-ship,',
      '(all),unsubscribe,"Unsubscribe, ""hard""\nbounce",guardrail,decrease,control,true,1234,0,,,,,,,,,,,,ship,no-ship,',
      '(all),unsubscribe,"Unsubscribe, ""hard""\nbounce",guardrail,decrease,b,false,1100,0.01,0.01,-0.002,0.022,,,,0.2,0.2,0.4,false,flat,ship,no-ship,',
      'TR,revenue,Revenue,secondary,increase,control,true,700,1000,,,,,,,,,,,,ship,no-ship,',
      'TR,revenue,Revenue,secondary,increase,b,false,800,,,,,,,,,,,,,ship,no-ship,',
      ''
    ].join('\r\n'));
  });

  it.each([
    ['a carriage return', 'a\rb', '"a\rb"'],
    ['a plain comma', 'a,b', '"a,b"'],
    ['a lone quote', 'say "hi"', '"say ""hi"""'],
    ['nothing to quote', 'plain text', 'plain text']
  ])('quotes a metric name with %s', (_name, text, cell) => {
    const report = fullReport();
    report.metrics = [{ ...activation, name: text, arms: [activation.arms[0]!] }];
    report.segments = null;
    expect(reportToCsv(report).split('\r\n')[1]).toBe(`(all),activation,${cell},primary,increase,control,true,1234,0.1,,,,,,,,,,,,ship,no-ship,`);
  });

  it('without a control variant marked, no row is a control row; without segments only "(all)" rows', () => {
    const report = fullReport();
    report.variants = report.variants.map((v) => ({ ...v, isControl: false }));
    report.segments = null;
    report.metrics = [activation];
    const rows = reportToCsv(report).split('\r\n').slice(1, -1).map((r) => r.split(','));
    expect(rows.map((r) => [r[0], r[5], r[6]])).toEqual([['(all)', 'control', 'false'], ['(all)', 'b', 'false']]);
  });
});

describe('number formats', () => {
  it.each([
    ['a gain', 0.213, 1, '+21.3%'],
    ['a loss', -0.05, 1, '-5.0%'],
    ['zero has no sign', 0, 1, '0.0%'],
    ['two digits', 0.12345, 2, '+12.35%'],
    ['null', null, 1, '—'],
    ['undefined', undefined, 1, '—'],
    ['NaN', Number.NaN, 1, '—'],
    ['infinity', Number.POSITIVE_INFINITY, 1, '—']
  ])('signedPercent: %s', (_name, x, digits, text) => {
    expect(signedPercent(x, digits)).toBe(text);
  });

  it('signedPercent defaults to one decimal', () => {
    expect(signedPercent(0.12345)).toBe('+12.3%');
  });

  it.each([
    ['below 0.001', 0.0009, '< 0.001'],
    ['exactly 0.001', 0.001, '0.001'],
    ['three decimals', 0.04567, '0.046'],
    ['one', 1, '1.000'],
    ['null', null, '—'],
    ['undefined', undefined, '—'],
    ['NaN', Number.NaN, '—']
  ])('pValueText: %s', (_name, p, text) => {
    expect(pValueText(p)).toBe(text);
  });

  it.each([
    ['a rate as a percentage', 0.12345, 'binomial', '12.35%'],
    ['a mean under 1000 with 4 significant digits', 12.34567, 'mean', '12.35'],
    ['trailing zeros dropped', 2.5, 'mean', '2.5'],
    ['999.96 rounds within toPrecision', 999.96, 'mean', '1000'],
    ['1000 and above: a whole number with separators', 1000, 'mean', '1,000'],
    ['a large negative mean', -12345.6, 'ratio', '-12,346'],
    ['a small negative mean', -0.000123456, 'mean', '-0.0001235'],
    ['null', null, 'mean', '—'],
    ['undefined', undefined, 'binomial', '—'],
    ['infinity', Number.NEGATIVE_INFINITY, 'mean', '—']
  ])('meanText: %s', (_name, x, kind, text) => {
    expect(meanText(x, kind)).toBe(text);
  });

  it('outcome labels', () => {
    expect(outcomeLabel).toEqual({ ship: 'Ship', 'no-ship': 'Do not ship', inconclusive: 'Inconclusive', harmful: 'Harmful' });
  });
});

describe('restarts in the exports, as the report page marks them', () => {
  const restarts = [
    { atMs: Date.UTC(2026, 11, 5, 23, 30), actor: 'ui:planner', reason: '<img src=x> [fix](javascript:alert(1)) | =cmd' },
    { atMs: Date.UTC(2026, 11, 8, 9), actor: 'key:ci, "bot"', reason: null }
  ];

  it('Markdown: a warning under the decision with when, who and why, user text escaped', () => {
    const report = { ...fullReport(), restarts };
    const lines = reportToMarkdown(report).split('\n');
    const line = lines.find((l) => l.includes('Restarted after a stop'));
    expect(line).toBe('> ⚠ **Restarted after a stop** on 2026-12-05 by ui:planner \\(“\\<img src=x\\> \\[fix\\]\\(javascript:alert\\(1\\)\\) \\| =cmd”\\); ' +
      'on 2026-12-08 by key:ci, "bot" \\(no reason given\\). Stopping and starting again invites peeking: the data spans both runs, so read the result with that in mind.');
    // Before the health section, after the decision's reasons.
    expect(lines.indexOf(line!)).toBeLessThan(lines.indexOf('## Health'));
    expect(lines.indexOf(line!)).toBeGreaterThan(lines.indexOf('- Guardrails hold.'));
  });

  it('Markdown: nothing about restarts when there were none', () => {
    expect(reportToMarkdown(fullReport())).not.toMatch(/Restarted/);
  });

  it('CSV: the restarts on every row (quoted as RFC 4180 asks), empty when there were none', () => {
    const report = { ...fullReport(), restarts, segments: null, metrics: [activation] };
    const expected = '"on 2026-12-05 by ui:planner (“<img src=x> [fix](javascript:alert(1)) | =cmd”); on 2026-12-08 by key:ci, ""bot"" (no reason given)"';
    const rows = reportToCsv(report).split('\r\n').slice(1, -1);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.endsWith(`,ship,no-ship,${expected}`)).toBe(true);
    expect(reportToCsv({ ...report, restarts: [] }).split('\r\n')[1]!.endsWith(',ship,no-ship,')).toBe(true);
  });

  it('CSV: a restart reason cannot start a formula cell (the cell starts with the date)', () => {
    const report = { ...fullReport(), restarts: [{ atMs: Date.UTC(2026, 11, 5), actor: '=HYPERLINK("x")', reason: '=1+1' }], segments: null, metrics: [activation] };
    const cell = reportToCsv(report).split('\r\n')[1]!.split(',ship,no-ship,')[1];
    expect(cell).toBe('"on 2026-12-05 by =HYPERLINK(""x"") (“=1+1”)"');
  });
});
