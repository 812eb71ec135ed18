export { loadPlanTemplate, seedOnFirstStart, type LoadResult } from './load-template.ts';
export { starterPlanTemplate, readPlanTemplate, planTemplateSchema, type PlanTemplate } from './template.ts';
