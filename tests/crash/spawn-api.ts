import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type SpawnedApi = { url: string; child: ChildProcess };

/**
 * Starts `tests/crash/api-server.ts` (the real API over `databasePath`) in its own process
 * and resolves with its URL once it listens.
 */
export function spawnApi(databasePath: string, env: Record<string, string> = {}): Promise<SpawnedApi> {
  const entry = fileURLToPath(new URL('./api-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  return new Promise((resolve, reject) => {
    // tsx compiles the server on start: a second or two when idle, far more on a loaded 2-core
    // machine. Under the tests' 60 s hook timeout, and the process is not left behind.
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`API did not start in 55 s:\n${output}`)); }, 55_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) { clearTimeout(timer); resolve({ url: match[1]!, child }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`API exited (${code}):\n${output}`)); });
  });
}

/** Ends the process (SIGTERM by default) and waits for its exit. */
export async function stopApi(api: SpawnedApi, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (api.child.exitCode !== null || api.child.signalCode !== null) return;
  const exited = new Promise((r) => api.child.once('exit', r));
  api.child.kill(signal);
  await exited;
}
