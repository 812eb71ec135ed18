import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './tests/e2e/find-browser.mjs';
import { e2eWorkers, selectWorkerServer } from './tests/e2e/workers.ts';

const executablePath = findChromium() ?? undefined;
// This file is loaded again in every worker: there it picks the worker's own server (global-setup.ts).
selectWorkerServer();

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/artifacts',
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: false,
  workers: e2eWorkers,
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
