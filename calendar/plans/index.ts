export { listPlans, currentPlan, getPlanCalendar, type PlanRow, type PlanCalendar } from './queries.ts';
