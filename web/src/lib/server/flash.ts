import { redirect, type Cookies } from '@sveltejs/kit';

/** A one-shot message for the next page (post/redirect/get): set by an action, read and cleared by the layout. */
const FLASH_COOKIE = 'flash';

/**
 * Ends a form action with a 303 to `location` (a clean URL, so a reload does not post again)
 * and a short confirmation the next page shows once.
 * @example redirectWithFlash(cookies, url, `/experiments/${key}`, 'Stopped: every user now gets the control.')
 */
export function redirectWithFlash(cookies: Cookies, url: URL, location: string, message: string): never {
  cookies.set(FLASH_COOKIE, encodeURIComponent(message.slice(0, 400)), {
    path: '/', httpOnly: true, sameSite: 'lax', maxAge: 60, secure: url.protocol === 'https:'
  });
  redirect(303, location);
}

/**
 * The pending confirmation, cleared as it is read; null when there is none.
 * @example const flash = takeFlash(cookies); // 'Stopped: every user now gets the control.'
 */
export function takeFlash(cookies: Cookies): string | null {
  const raw = cookies.get(FLASH_COOKIE);
  if (!raw) return null;
  cookies.delete(FLASH_COOKIE, { path: '/' });
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
