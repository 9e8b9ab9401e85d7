import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { freePort } from './test-server';

export interface OwnRedis {
  url: string;
  /** SIGSTOP: the connection stays open and nothing is answered. */
  freeze(): void;
  thaw(): void;
  /** SIGKILL, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: it keeps nothing on disk). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether this machine can start a Redis of the test's own (`.ci/run` installs it when missing). */
export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A redis-server of the test's own on a free port: never the machine's Redis. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child = await launch(port);
  const exit = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    kill: async () => {
      child.kill('SIGKILL');
      await exit(child);
    },
    restart: async () => {
      child = await launch(port);
    },
    stop: async () => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exit(child);
    },
  };
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', () => reject(new Error(`redis-server exited:\n${output}`)));
  });
}
