import type { DenominatorAggregate, MetricKind } from '../../calendar/model.ts';
import type { Report, ReportOptions } from '../../calendar/reports/types.ts';

/**
 * Reports: computed where they cannot block the thread that answers the SDKs (for SQLite, a
 * worker thread with its own connection; in-process for an in-memory database). Two requests
 * for the same report at once share one computation.
 */
export interface ReportStore {
  /** The report of experiment `key` (throws NotFoundError for an unknown key). */
  report(key: string, options: ReportOptions, nowMs: number): Promise<Report>;
  /** Exposure attributes the report can be split by. */
  segments(key: string): Promise<string[]>;
  /** Whether the reports run on a thread of their own. */
  readonly threaded: boolean;
}

/**
 * Sums of one metric over the users of a group: enough for means, variances and a ratio's delta
 * method. Per user y and d: binomial, retention, threshold y ∈ {0, 1}; count and sum y the
 * count or total; ratio y and d the two sides; time_to_event y = hours to the first event and
 * d = 1 for users with one in the window (users without one have y = d = 0; the report counts
 * them at the restriction, see stats' `restrictedMeanStats`).
 */
export type MetricSums = {
  sum: number;
  sumSquares: number;
  sumDenominator: number;
  sumDenominatorSquares: number;
  sumCrossProducts: number;
};

/** The sufficient statistics of one group of exposed users (a variant, a day, a segment). */
export type GroupAggregate = {
  variant: string;
  /** Days since the Unix epoch (UTC) for by-day aggregates, else null. */
  day: number | null;
  /** Segment value for by-segment aggregates ('(none)' when the attribute is missing), else null. */
  segment: string | null;
  users: number;
  /** Users in the group also exposed to another variant. */
  conflicted: number;
  /** One entry per metric, in the order given. */
  metrics: MetricSums[];
};

/** A metric as the aggregation reads it: its event(s), window and winsorization. */
export type StoreMetric = {
  metricId: number;
  key: string;
  kind: MetricKind;
  eventName: string;
  /** Ratio metrics only. */
  denominatorEventName?: string | null;
  /** Ratio metrics only: 'count' counts the denominator's events instead of adding their values (default 'sum'). */
  denominatorAggregate?: DenominatorAggregate;
  /** Retention metrics only: further events that count as a return. */
  extraEventNames?: string[];
  /** Retention metrics only: the window is [windowStartDays, windowDays) days after first exposure (default 0). */
  windowStartDays?: number | null;
  /** Threshold metrics only: at least this many events of `eventName` in the window. */
  minCount?: number | null;
  windowDays: number;
  /** Cap per-user values (sum and count metrics) at this percentile, 0..1. */
  winsorizePercentile?: number | null;
};

/** What a report asks the aggregation for. */
export type AggregatesInput = {
  experimentId: number; metrics: StoreMetric[]; variantKeys: string[]; segment: string | null; nowMs: number;
};

/** A report's sufficient statistics. */
export type ReportAggregates = {
  /** Winsorization cap per metric (in the order given), null when uncapped. */
  caps: Array<number | null>;
  /** Cumulative by day; the last day of each variant holds its totals. */
  daily: GroupAggregate[];
  exposuresByDay: Array<{ day: number; variant: string; users: number }>;
  span: { firstMs: number | null; lastMs: number | null };
  /** By segment value and variant when `segment` was asked for, else null. */
  segmentRows: GroupAggregate[] | null;
};

/**
 * The raw material of reports: sufficient statistics aggregated by the engine from exposures
 * and events (never the rows themselves), and the exposure attributes seen.
 */
export interface ReportSource {
  /** The aggregates of one report (the engine may cache them until the data changes). */
  aggregates(input: AggregatesInput): Promise<ReportAggregates>;
  /** Whether any exposure of the experiment carries `attribute` (stops at the first). */
  segmentSeen(experimentId: number, attribute: string): Promise<boolean>;
  /** Exposure attributes of the experiment a report can be split by, sorted (at most 20). */
  segmentAttributes(experimentId: number): Promise<string[]>;
}
