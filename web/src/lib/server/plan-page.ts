import { calendarTokenOf } from '$calendar/plans/index.ts';
import { getPlanTimeline } from '$calendar/planning/index.ts';
import { now } from '$calendar/clock.ts';
import { data } from './db.ts';

/** What a plan page shows: the timeline at the server clock's today, and the feed URL. */
export async function loadPlanPage(planId: number) {
  const timeline = await getPlanTimeline(data(), planId, now());
  return { timeline, feedUrl: `/api/v1/plans/${planId}/calendar.ics?token=${await calendarTokenOf(data(), planId)}` };
}
