import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './tests/e2e/find-browser.mjs';

const executablePath = findChromium() ?? undefined;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/artifacts',
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    headless: true,
    viewport: { width: 1280, height: 900 },
    launchOptions: { executablePath, args: chromiumArgs },
    trace: 'retain-on-failure'
  }
});
