import { takeFlash } from '$lib/server/flash.ts';
import type { LayoutServerLoad } from './$types';

// Reading url.pathname makes the load run again on every navigation, so a confirmation shows once.
export const load: LayoutServerLoad = ({ cookies, url }) => ({ flash: url.pathname ? takeFlash(cookies) : null });
