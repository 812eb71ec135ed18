import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A replica process (tests/replicas/replica-server.ts) and everything it printed so far. */
export type Replica = {
  url: string; pid: number; child: ChildProcess;
  output(): string;
  /** Resolves when the output matches `pattern` (checked on every chunk), rejects after `deadlineMs`. */
  waitFor(pattern: RegExp, deadlineMs?: number): Promise<RegExpExecArray>;
};

/**
 * Starts a replica on the PostgreSQL database of `databaseUrl` and resolves once it listens.
 * @example const a = await spawnReplica(url, { ADMIN_API_KEY: admin });
 */
export function spawnReplica(databaseUrl: string, env: Record<string, string> = {}): Promise<Replica> {
  const entry = fileURLToPath(new URL('./replica-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '4', ...env }, stdio: ['ignore', 'pipe', 'pipe']
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => { text += chunk.toString(); for (const w of [...waiters]) w(); };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const waitFor = (pattern: RegExp, deadlineMs = 30_000) => new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(text);
      if (match) { waiters.delete(check); clearTimeout(timer); resolve(match); }
    };
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`replica ${child.pid}: no ${pattern} within ${deadlineMs} ms:\n${text}`)); }, deadlineMs);
    waiters.add(check);
    check();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`replica exited (${code ?? signal}):\n${text}`)));
    waitFor(/listening on (http:\/\/[\d.]+:\d+)/, 60_000).then(
      (m) => resolve({ url: m[1]!, pid: child.pid!, child, output: () => text, waitFor }),
      reject);
  });
}

/** Ends the replica (SIGTERM by default; SIGKILL for a crash) and waits for its exit. */
export async function stopReplica(replica: Replica, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  const exited = new Promise((r) => replica.child.once('exit', r));
  replica.child.kill(signal);
  await exited;
}
