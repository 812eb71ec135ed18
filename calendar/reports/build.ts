import type { Data, GroupAggregate, StoreMetric } from '../../db/store/index.ts';
import { DEFAULT_TUNING } from '../../stats/index.ts';
import { applyCorrection, compareMetric, type CompareSettings } from './compare.ts';
import { decide } from './decide.ts';
import { buildHealth, isoDateOfDay, usersNeededFor } from './health.ts';
import { latestRecordedDecision } from './recorded.ts';
import { restartsOf } from '../lifecycle/restarts.ts';
import { isoDay } from '../dates.ts';
import { loadReportDesign, type CriterionRow, type ReportDesign } from './load.ts';
import { changedFields, currentAnalysis, type RegisteredPlan } from '../lifecycle/registration.ts';
import { totalsFromCumulative } from './totals.ts';
import { closedWindowTotals, waitsForWindow } from './windows.ts';
import type { CumulativeSeries, MetricResult, Report, ReportCriterion, ReportOptions } from './types.ts';

const MAX_SEGMENTS = 20;

/** Stopped, concluded or promoted, or past its planned end date. */
export function hasEnded(design: ReportDesign, nowMs: number): boolean {
  const e = design.experiment;
  if (e.status === 'stopped' || e.status === 'concluded' || e.status === 'promoted') return true;
  // The same calendar day as the scheduler's (calendar/dates.ts), so both agree on "ended".
  return e.endDate !== null && isoDay(nowMs) > e.endDate;
}

function metricSpecs(design: ReportDesign): StoreMetric[] {
  return design.metrics.map((m) => ({
    metricId: m.id, key: m.key, kind: m.kind, eventName: m.eventName, denominatorEventName: m.denominatorEventName,
    denominatorAggregate: m.denominatorAggregate, extraEventNames: m.extraEventNames, windowStartDays: m.windowStartDays,
    minCount: m.minCount, windowDays: m.windowDays ?? design.experiment.durationDays, winsorizePercentile: m.winsorizePercentile
  }));
}

/** The rows each metric is compared on: a retention or time-to-event metric only counts closed windows (see windows.ts). */
type RowsOf = (index: number) => { rows: GroupAggregate[]; waiting: number | null };

function metricTable(
  design: ReportDesign, specs: StoreMetric[], caps: Array<number | null>, rowsOf: RowsOf, settings: CompareSettings,
  criteria = decidingCriteria(design).registered
): MetricResult[] {
  return design.metrics.map((m, i) => {
    const { rows, waiting } = rowsOf(i);
    return withWindowNotes(compareMetric(m, i, specs[i].windowDays, caps[i], rows, criteria, settings), specs[i], waiting);
  });
}

/** Says what a retention or time-to-event result counts: the window, the restriction, who is still waiting. */
function withWindowNotes(result: MetricResult, spec: StoreMetric, waiting: number | null): MetricResult {
  if (!waitsForWindow(spec.kind)) return result;
  const start = spec.windowStartDays ?? 0;
  if (spec.kind === 'time_to_event') {
    result.restrictionHours = spec.windowDays * 24;
    result.notes.push(`Restricted mean over ${spec.windowDays} days (${spec.windowDays * 24} hours): users without the event count ${spec.windowDays * 24} hours.`);
  } else {
    result.windowStartDays = start;
  }
  if (waiting === null) {
    result.notes.push('Not split by segment: this metric counts users once their whole window has passed, which a segment split does not track.');
    return result;
  }
  result.usersWaiting = waiting;
  if (waiting > 0) {
    const window = spec.kind === 'retention' ? `day ${start}-${spec.windowDays} window` : `${spec.windowDays}-day window`;
    result.notes.push(`${waiting} exposed users left out: their ${window} has not closed yet.`);
  }
  return result;
}

const criterionOut = (c: RegisteredPlan['criteria'][number]): ReportCriterion => ({
  kind: c.kind, metricKey: c.metricKey, description: c.description,
  minRelativeLift: c.minRelativeLift, maxPValue: c.maxPValue, maxRelativeDegradation: c.maxRelativeDegradation
});

/**
 * The criteria the decision is made by (the registered ones once started) and, when the criteria
 * in force were amended since, those too.
 */
function decidingCriteria(design: ReportDesign): { registered: CriterionRow[]; amended: CriterionRow[] | null } {
  const e = design.experiment;
  if (!e.registration) return { registered: design.criteria, amended: null };
  const registered = e.registration.criteria.map((c, i) => ({ ...c, id: -1 - i, experimentId: e.id }));
  const amended = changedFields({ ...e.registration }, { criteria: design.criteria }).length > 0 ? design.criteria : null;
  return { registered, amended };
}

/**
 * Builds the full report of experiment `key`: the design from the stores, the sufficient
 * statistics of the raw exposures and events from the report source (aggregated by the
 * engine), the rest by `stats/`. Throws NotFoundError for an unknown key.
 * @example (await buildReport(data, 'w01-onboarding-ebook-reminder', { correction: 'holm' }, Date.now())).decision.outcome
 */
export async function buildReport(data: Data, key: string, options: ReportOptions, nowMs: number): Promise<Report> {
  const design = await loadReportDesign(data, key);
  const experimentId = design.experiment.id;
  const specs = metricSpecs(design);
  const ended = hasEnded(design, nowMs);
  // Defaults from the registered analysis plan (amended or not); explicit options still win.
  const plan = currentAnalysis(design.experiment.registration, design.amendments);
  const analysis = options.analysis ?? (ended || plan.mode === 'fixed' ? 'fixed' : 'sequential');
  const correction = options.correction ?? plan.correction;
  const alpha = options.alpha ?? plan.alpha;
  const criteria = decidingCriteria(design);
  const variantKeys = design.variants.map((v) => v.key);
  const primaryCriterion = criteria.registered.find((c) => c.kind === 'lift' && c.metricKey);
  const primary = design.metrics.find((m) => m.key === primaryCriterion?.metricKey) ?? design.metrics.find((m) => m.role === 'primary');
  const primaryIndex = primary ? design.metrics.indexOf(primary) : -1;

  // A split by an attribute no exposure carries is empty: not built.
  const segment = options.segment && await data.reportSource.segmentSeen(experimentId, options.segment) ? options.segment : null;
  // Sufficient statistics (for SQLite: from the incremental store, cached until the database changes).
  const { caps, daily, exposuresByDay, span, segmentRows } = await data.reportSource.aggregates({
    experimentId, metrics: specs, variantKeys, segment, nowMs
  });
  const byVariant = totalsFromCumulative(daily);
  const needed = usersNeededFor(primary, design.experiment.plannedMde ?? primaryCriterion?.minRelativeLift ?? null,
    design.variants.map((v) => v.weight), byVariant.find((a) => a.variant === design.control.key), primaryIndex, alpha);
  const health = buildHealth({
    design, byVariant, exposuresByDay, span, needed, nowMs
  });
  // Sequential: the confidence sequence is tightest at the planned total sample size.
  const settings: CompareSettings = {
    alpha, controlKey: design.control.key, variantKeys,
    sequentialTuning: analysis === 'sequential' ? needed.users ?? DEFAULT_TUNING : null
  };
  const closed = specs.map((spec) => waitsForWindow(spec.kind) ? closedWindowTotals(daily, spec.windowDays, nowMs) : null);
  const totalsOf: RowsOf = (i) => closed[i] ? { rows: closed[i].totals, waiting: closed[i].waiting } : { rows: byVariant, waiting: 0 };
  const metrics = metricTable(design, specs, caps, totalsOf, settings);
  applyCorrection(metrics, correction, alpha);

  const caveat = 'Segment results are exploratory: p-values are not adjusted for the number of segments, and a segment was not a pre-registered criterion.';
  let segments: Report['segments'] = options.segment ? { attribute: options.segment, caveat, values: [] } : null;
  if (options.segment && segmentRows) {
    const rows = segmentRows;
    const values = [...new Set(rows.map((r) => r.segment ?? '(none)'))]
      .map((value) => ({ value, rows: rows.filter((r) => r.segment === value) }))
      .map((s) => ({ ...s, users: s.rows.reduce((a, r) => a + r.users, 0) }))
      .sort((a, b) => b.users - a.users).slice(0, MAX_SEGMENTS);
    segments = {
      attribute: options.segment, caveat,
      values: values.map((s) => ({
        value: s.value, users: s.users,
        metrics: metricTable(design, specs, caps, (i) => waitsForWindow(specs[i].kind) ? { rows: [], waiting: null } : { rows: s.rows, waiting: 0 }, settings)
      }))
    };
  }

  const cumulative: CumulativeSeries[] = [];
  if (primary) {
    const days = [...new Set(daily.map((r) => r.day!))];
    for (const variant of variantKeys.filter((k) => k !== design.control.key)) {
      const points = days.map((day) => {
        const rows = waitsForWindow(primary.kind)
          ? closedWindowTotals(daily.filter((r) => r.day! <= day), specs[primaryIndex].windowDays, nowMs).totals
          : daily.filter((r) => r.day === day);
        const result = compareMetric(primary, primaryIndex, specs[primaryIndex].windowDays, caps[primaryIndex], rows, [], { ...settings, variantKeys: [design.control.key, variant] });
        const c = result.comparisons[0];
        return { date: isoDateOfDay(day), users: rows.reduce((a, r) => a + r.users, 0), relative: c?.relative?.estimate ?? null, ciLow: c?.relative?.ciLow ?? null, ciHigh: c?.relative?.ciHigh ?? null };
      });
      cumulative.push({ metric: primary.key, variant, points });
    }
  }

  const decideBy = (list: CriterionRow[], table = metrics) => decide({
    metrics: table, criteria: list, health, alpha, ended, treatmentKeys: variantKeys.filter((k) => k !== design.control.key)
  });
  const decision = decideBy(criteria.registered);
  // Amended guardrail margins change the guardrail rows, so the amended decision gets its own table.
  const amendedTable = (list: CriterionRow[]) => {
    const table = metricTable(design, specs, caps, totalsOf, settings, list);
    applyCorrection(table, correction, alpha);
    return table;
  };
  const e = design.experiment;
  const recorded = await latestRecordedDecision(data, experimentId);
  return {
    experiment: { key: e.key, name: e.name, status: e.status, startDate: e.startDate, endDate: e.endDate, durationDays: e.durationDays, plannedMde: e.plannedMde, hypothesis: e.hypothesis },
    generatedAtMs: nowMs, analysis, correction, alpha,
    variants: design.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight, isControl: v.key === design.control.key })),
    criteria: criteria.registered.map(criterionOut),
    exploratory: e.registration?.exploratory ?? e.exploratory,
    registration: e.registration && {
      registeredAtMs: e.registration.registeredAtMs,
      amendments: design.amendments.map((a) => ({ atMs: a.atMs, actor: a.actor, reason: a.reason, fields: a.fields, reportViews: a.reportViews, before: a.before, after: a.after })),
      amendedCriteria: criteria.amended?.map(criterionOut) ?? null
    },
    health, metrics, segments, cumulative, decision,
    amendedDecision: criteria.amended ? decideBy(criteria.amended, amendedTable(criteria.amended)) : null,
    recorded,
    restarts: await restartsOf(data, e.key)
  };
}
