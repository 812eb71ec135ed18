/** The report object: what the API returns as JSON and the page, Markdown and CSV render. */
import type { MetricKind, MetricRole } from '../model.ts';

export type Analysis = 'sequential' | 'fixed';
export type Correction = 'holm' | 'benjamini-hochberg' | 'bonferroni' | 'none';
export type DecisionOutcome = 'ship' | 'no-ship' | 'inconclusive' | 'harmful';

export type ReportOptions = {
  /** Default: sequential while the experiment runs, fixed once it has stopped or ended. */
  analysis?: Analysis;
  /** Multiple-testing correction across goal metrics × treatment variants (default Holm). */
  correction?: Correction;
  /** Split the metric table by this exposure attribute (exploratory). */
  segment?: string | null;
  alpha?: number;
};

export type ArmResult = { variant: string; users: number; mean: number | null };

export type ComparisonResult = {
  variant: string;
  control: number;
  treatment: number;
  absolute: { estimate: number; ciLow: number; ciHigh: number };
  /** null when the control mean is 0. */
  relative: { estimate: number; ciLow: number; ciHigh: number } | null;
  pValue: number;
  /** p-value after the correction (equal to pValue for guardrails and segments). */
  adjustedPValue: number;
  /** Probability the variant is better than control, in the metric's direction. */
  chanceToBeatControl: number;
  significant: boolean;
  /** 'better' / 'worse' when significant, in the metric's direction; else 'flat'. */
  verdict: 'better' | 'worse' | 'flat';
};

export type GuardrailResult = {
  variant: string;
  /** Largest acceptable relative degradation, e.g. 0.05 for "no more than 5% worse". */
  maxRelativeDegradation: number;
  /** Worst plausible relative change (the CI bound on the bad side). */
  worstRelativeChange: number | null;
  nonInferior: boolean;
  pValue: number | null;
  /**
   * The sample, as a multiple of the current one, at which the fixed-horizon one-sided test
   * (the analysis once the experiment ends) reaches 80% power if the variant truly changes
   * nothing here; null without a margin. The always-valid interval used while running is
   * wider, so it clears the margin later.
   */
  sampleScaleNeeded: number | null;
};

export type MetricResult = {
  key: string;
  name: string;
  kind: MetricKind;
  role: MetricRole;
  direction: 'increase' | 'decrease';
  windowDays: number;
  /** Winsorization cap applied to per-user values, if any. */
  cap: number | null;
  arms: ArmResult[];
  comparisons: ComparisonResult[];
  guardrails: GuardrailResult[];
  /** Why a comparison is missing (e.g. too few users); what a retention or time-to-event result counts. */
  notes: string[];
  /** Retention and time to event: exposed users left out because their window has not closed yet. */
  usersWaiting?: number;
  /** Retention: the window is [windowStartDays, windowDays) days after first exposure. */
  windowStartDays?: number;
  /** Time to event: the restriction of the restricted mean, in hours (users without the event count this). */
  restrictionHours?: number;
};

export type Health = {
  srm: { pValue: number; chiSquare: number; mismatch: boolean; observed: Record<string, number>; expectedShare: Record<string, number> } | null;
  exposuresByDay: Array<{ date: string; users: Record<string, number> }>;
  multipleVariantUsers: number;
  daysRun: number;
  daysPlanned: number;
  usersExposed: number;
  /** Users needed in total for the planned MDE on the primary metric (null when unknown). */
  usersNeeded: number | null;
  usersNeededBasis: string;
  warnings: string[];
};

export type CumulativePoint = { date: string; users: number; relative: number | null; ciLow: number | null; ciHigh: number | null };
export type CumulativeSeries = { metric: string; variant: string; points: CumulativePoint[] };

export type SegmentResult = { value: string; users: number; metrics: MetricResult[] };

export type ComputedDecision = {
  outcome: DecisionOutcome;
  winningVariant: string | null;
  reasons: string[];
  blockedBySrm: boolean;
  /** For inconclusive: more users and days that would be needed (null when unknown). */
  needed: { users: number; days: number | null } | null;
  /** The primary metric's result for the winning (or best) variant. */
  primary: { metric: string; variant: string; relativeLift: number | null; ciLow: number | null; ciHigh: number | null; pValue: number } | null;
};

export type RecordedDecision = {
  id: number;
  computedDecision: string;
  finalDecision: string;
  winningVariantKey: string | null;
  rationale: string | null;
  decidedBy: string;
  decidedAtMs: number;
};

/** An amendment as the report lists it: what changed after the registration, why, and after how many report views. */
export type ReportAmendment = {
  atMs: number; actor: string; reason: string; fields: string[]; reportViews: number;
  before: Record<string, unknown>; after: Record<string, unknown>;
};

export type ReportCriterion = {
  kind: string; metricKey: string | null; description: string;
  minRelativeLift: number | null; maxPValue: number | null; maxRelativeDegradation: number | null;
};

export type Report = {
  experiment: {
    key: string; name: string; status: string; startDate: string | null; endDate: string | null;
    durationDays: number; plannedMde: number | null; hypothesis: string | null;
  };
  generatedAtMs: number;
  analysis: Analysis;
  correction: Correction;
  alpha: number;
  variants: Array<{ key: string; name: string; weight: number; isControl: boolean }>;
  /** The criteria the decision uses: the registered ones once the experiment has started. */
  criteria: ReportCriterion[];
  /** Started without success criteria on purpose: no decision is pre-registered. */
  exploratory: boolean;
  /** Null before the first start. `amendedCriteria` is set when the criteria in force differ from the registered ones. */
  registration: { registeredAtMs: number; amendments: ReportAmendment[]; amendedCriteria: ReportCriterion[] | null } | null;
  health: Health;
  metrics: MetricResult[];
  segments: { attribute: string; caveat: string; values: SegmentResult[] } | null;
  cumulative: CumulativeSeries[];
  decision: ComputedDecision;
  /** The decision by the amended criteria, shown beside the registered one (null without amended criteria). */
  amendedDecision: ComputedDecision | null;
  recorded: RecordedDecision | null;
  /** Each start after a stop (who, when, the reason or null when none was given), oldest first: the data spans every run, which invites peeking. */
  restarts: Array<{ atMs: number; actor: string; reason: string | null }>;
};
