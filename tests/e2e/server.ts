import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RunningServer = { url: string; databasePath: string; process: ChildProcess; stop: () => Promise<void> };

/**
 * Starts the real server (`api/server.ts` with the built UI) on a free port of 127.0.0.1
 * with a fresh temporary database, and resolves once it logs where it listens.
 * `nodeArgs` go to Node before the entry point (e.g. one more `--import`).
 */
export async function startRealServer(
  env: Record<string, string> = {},
  options: { nodeArgs?: string[] } = {}
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'wx-e2e-'));
  const databasePath = join(dir, 'app.db');
  const child = spawn(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), 'api/server.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: databasePath, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    // tsx compiles the server on start: seconds when idle, far more on a loaded 2-core machine.
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start in 120 s:\n${output}`)); }, 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) { clearTimeout(timer); resolve(match[1]!); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${output}`)); });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, databasePath, process: child, stop };
}
