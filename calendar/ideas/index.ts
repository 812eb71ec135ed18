export { createIdea, listIdeas, getIdea, dropIdea, moveIdeaToWeek, ideaInput, ideaSources, type IdeaRow, type IdeaInput } from './ideas.ts';
