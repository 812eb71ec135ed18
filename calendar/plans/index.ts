export { listPlans, currentPlan, getPlanCalendar, planWeeks, type PlanRow, type PlanCalendar } from './queries.ts';
export {
  createPlan, getPlan, updatePlan, deletePlan, startPlan, rotateCalendarToken, calendarTokenOf, newCalendarToken
} from './commands.ts';
export { planInput, planPatch, dailyTrafficInput, type PlanInput, type PlanPatch } from './input.ts';
