export { planCalendarIcs } from './feed.ts';
