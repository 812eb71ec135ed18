export { promoteExperiment, setRollout, shipDecision, promotionInput, type PromotionInput, type PlaybookEntry, type RolloutState } from './promote.ts';
export { listPlaybook, groupPlaybook, playbookEntryOf, type PlaybookItem, type PlaybookGroup } from './queries.ts';
export { playbookToMarkdown, exportPlaybookMarkdown } from './markdown.ts';
export { draftNextPlan, isDraftPlan, type DraftResult, type DraftItem } from './plan-again.ts';
