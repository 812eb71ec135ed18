import type { HandleServerError, ServerInit } from '@sveltejs/kit';
import { seedOnFirstStart } from '$calendar/seed/index.ts';
import { now } from '$calendar/clock.ts';
import { data } from '$lib/server/db.ts';

/** Under `npm run dev` this is the first start; under `npm start` the server already did it. */
export const init: ServerInit = async () => {
  await seedOnFirstStart(data(), now());
};

/** Client mistakes (404, 405, ...) keep their status and message; only real failures are logged. */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
  if (status < 500) return { message, code: status === 404 ? 'not_found' : 'bad_request' };
  console.error('page error', event.url.pathname, error);
  return { message: 'Something went wrong on our side.', code: 'internal_error' };
};
