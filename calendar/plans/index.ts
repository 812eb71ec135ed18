export { listPlans, currentPlan, getPlanCalendar, planWeeks, type PlanRow, type PlanCalendar } from './queries.ts';
export {
  createPlan, getPlan, updatePlan, deletePlan, startPlan, rotateCalendarToken, calendarTokenOf, newCalendarToken, setPlanHoldout
} from './commands.ts';
export { planInput, planPatch, holdoutInput, dailyTrafficInput, type PlanInput, type PlanPatch, type HoldoutInput } from './input.ts';
export { programImpact, type ProgramImpact, type ImpactMetric } from './impact.ts';
