// Finds a Chromium for Playwright: a Playwright-installed browser first, then the system one.
// Shared by scripts/ensure-browser.mjs (which may install Debian's chromium) and playwright.config.ts.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const systemChromiumPaths = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** @returns {string | null} the executable to launch, or null when there is none. */
export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  try {
    const bundled = chromium.executablePath();
    if (bundled && existsSync(bundled)) return bundled;
  } catch {
    // playwright-core throws when no browser of its own was installed
  }
  return systemChromiumPaths.find((p) => existsSync(p)) ?? null;
}

/** Flags that keep Chromium quiet on a machine with no network and no GPU. */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'
];
