import type { HandleServerError, ServerInit } from '@sveltejs/kit';
import { seedOnFirstStart } from '$calendar/seed/index.ts';
import { db } from '$lib/server/db.ts';

/** Under `npm run dev` this is the first start; under `npm start` the server already did it. */
export const init: ServerInit = () => {
  seedOnFirstStart(db(), Date.now());
};

export const handleError: HandleServerError = ({ error, event }) => {
  console.error('page error', event.url.pathname, error);
  return { message: 'Something went wrong on our side.', code: 'internal_error' };
};
