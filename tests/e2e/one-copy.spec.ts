import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startRealServer } from './server.ts';
import { sqliteDriverPackage } from '../../db/sqlite/inspect.ts';

/**
 * One copy of the domain: the SvelteKit server build (`build/server`, made by `vite build`
 * just before this run) must import calendar/, db/ and stats/ from the repo, so that the UI and
 * the API share their module instances instead of each holding state of its own.
 * See sharedDomainOnServer in vite.config.ts.
 */
const root = process.cwd();
const serverBuild = resolve(root, 'build', 'server');
const domainFolders = ['calendar', 'db', 'stats'];

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

test('the built UI server carries no copy of calendar/ or db/', () => {
  // A message only calendar/lifecycle/transitions.ts has; if it changes, pick another one.
  const marker = 'already ran its';
  expect(readFileSync(join(root, 'calendar/lifecycle/transitions.ts'), 'utf8'), 'the marker left calendar/lifecycle/transitions.ts').toContain(marker);

  const files = jsFiles(serverBuild);
  expect(files.length, 'no build/server: run `vite build` first').toBeGreaterThan(0);
  const text = new Map(files.map((file) => [relative(root, file), readFileSync(file, 'utf8')]));
  const bundled = [...text].filter(([, code]) => code.includes(marker)).map(([file]) => file);
  expect(bundled, 'calendar/ code bundled into the UI server').toEqual([]);
  // Only db/sqlite uses the SQLite driver: the UI server naming it means a copy of db/ came along.
  const withSqlite = [...text].filter(([, code]) => code.includes(sqliteDriverPackage)).map(([file]) => file);
  expect(withSqlite, 'db/ code bundled into the UI server').toEqual([]);
  const sharing = [...text].filter(([, code]) => /from\s*['"]weekly-experiments\/(calendar|db)\//.test(code));
  expect(sharing.length, 'the UI server no longer imports the domain by package name').toBeGreaterThan(0);
});

test('the UI and the API of the real server load the very same domain modules', async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'wx-modules-'));
  const log = join(dir, 'modules.jsonl');
  const server = await startRealServer({ MODULE_LOG: log }, { nodeArgs: ['--import', './tests/e2e/module-log.mjs'] });
  try {
    // Each page's server code loads on its first request.
    for (const path of ['/', '/plans', '/playbook', '/ideas', '/experiments/w01-onboarding-ebook-reminder']) {
      const response = await fetch(new URL(path, server.url));
      expect(response.status, `GET ${path}`).toBe(200);
    }
  } finally {
    await server.stop();
  }
  type Resolution = { specifier: string; parent: string | null; url: string };
  const resolutions = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Resolution);
  rmSync(dir, { recursive: true, force: true });

  const fileUrl = (path: string) => pathToFileURL(join(root, path)).href;
  const buildPrefix = `${pathToFileURL(serverBuild).href}/`;
  const fromUi = resolutions.filter((r) => r.parent?.startsWith(buildPrefix) && r.specifier.startsWith('weekly-experiments/'));
  const uiUrls = new Set(fromUi.map((r) => r.url));
  const apiUrls = new Set(resolutions.filter((r) => !r.parent?.startsWith(buildPrefix)).map((r) => r.url));

  // The UI's server code asks for the domain by package name and gets the repo's own files...
  for (const r of fromUi) expect(r.url, r.specifier).toBe(fileUrl(r.specifier.slice('weekly-experiments/'.length)));
  // ...the very ones the API loaded: one engine (its connection and pool registries), one clock, one report runner.
  for (const shared of ['db/open-data.ts', 'calendar/clock.ts', 'calendar/reports/index.ts']) {
    expect(uiUrls, `the UI did not import ${shared}`).toContain(fileUrl(shared));
    expect(apiUrls, `the API did not import ${shared}`).toContain(fileUrl(shared));
  }
  // And no domain file was loaded under a second URL (a query or hash would mean a second instance).
  const urlsByFile = new Map<string, Set<string>>();
  for (const { url } of resolutions) {
    if (!url.startsWith('file:')) continue;
    const file = url.replace(/[?#].*$/, '');
    if (!domainFolders.some((folder) => file.startsWith(`${fileUrl(folder)}/`))) continue;
    urlsByFile.set(file, (urlsByFile.get(file) ?? new Set()).add(url));
  }
  const twice = [...urlsByFile].filter(([, urls]) => urls.size > 1).map(([file, urls]) => `${file}: ${[...urls].join(', ')}`);
  expect(twice).toEqual([]);
});
