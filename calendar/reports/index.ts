export { buildReport, hasEnded } from './build.ts';
export {
  recordDecision, latestDecision, decisionHistory, decisionOutcomes,
  type DecisionInput, type LatestDecision
} from './decisions.ts';
export type {
  Analysis, Correction, DecisionOutcome, Report, ReportOptions, MetricResult, ComparisonResult,
  GuardrailResult, Health, ComputedDecision, RecordedDecision, CumulativeSeries, SegmentResult
} from './types.ts';
export { reportToMarkdown } from './export-markdown.ts';
export { reportToCsv } from './export-csv.ts';
export { signedPercent, pValueText, meanText, outcomeLabel, overrideText } from './format.ts';
export { availableSegments } from './segments.ts';
export { updateMetric, updateMetricInput, type UpdateMetricInput } from './metric-definitions.ts';
export { countReportView } from './views.ts';
