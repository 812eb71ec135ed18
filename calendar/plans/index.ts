export { listPlans, currentPlan, getPlanCalendar, planWeeks, type PlanRow, type PlanCalendar } from './queries.ts';
export {
  createPlan, getPlan, updatePlan, deletePlan, startPlan, rotateCalendarToken, calendarTokenOf, newCalendarToken, setPlanHoldout
} from './commands.ts';
export { planInput, planPatch, holdoutInput, dailyTrafficInput, type PlanInput, type PlanPatch, type HoldoutInput } from './input.ts';
export { programImpact, programImpacts, type ProgramImpact, type ImpactMetric, type ImpactPower } from './impact.ts';
export { impactToMarkdown, impactToCsv, daysNeededText, meanText } from './impact-export.ts';
