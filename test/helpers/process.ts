import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TEST_JWT_PRIVATE_KEY, TEST_SECRET_KEY } from './test-server';

const ROOT = join(__dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  /** The GraphQL URL from the start-up banner. */
  graphqlUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `src/main.ts` as its own process, the way `npm start` runs the built server, with exactly
 * the environment given (nothing inherited but PATH and HOME).
 */
export function spawnServer(env: Record<string, string>, options: SpawnOptions = {}): Promise<ServerProcess> {
  const child = spawnMain(env, options);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 45_000);
    const onData = () => {
      const match = /"url":"(http:\/\/[^"]+\/graphql)"/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        graphqlUrl: match[1]!,
        output: () => output,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Runs `src/main.ts` expecting it to refuse to start; resolves with exit code and output. */
export function runServerToExit(env: Record<string, string>, options: SpawnOptions = {}): Promise<{ code: number | null; output: string }> {
  const child = spawnMain(env, options);
  let output = '';
  let signalled = false;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.signal && !signalled && options.signal.when.test(output)) {
      signalled = true;
      child.kill(options.signal.signal);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

export interface SpawnOptions {
  /** Sends `signal` as soon as the output matches `when` (a signal in the middle of start-up). */
  signal?: { when: RegExp; signal: NodeJS.Signals };
  /** The working folder (where `.env` is read from): by default an empty one, so a developer's own `.env` never leaks into a test. */
  cwd?: string;
}

function emptyFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cwd-'));
  chmodSync(dir, 0o755); // a data dir below it must stay reachable for the embedded PostgreSQL's user
  return dir;
}

/**
 * The environment of a server process under test: the test defaults (cheap argon2, fixed keys,
 * no rate limits, a free port, the banner logged) and a data dir of its own, plus `extra`.
 */
export function processEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    GATEHOUSE_DATA_DIR: emptyFolder(),
    SECRET_KEY: TEST_SECRET_KEY,
    JWT_PRIVATE_KEY: TEST_JWT_PRIVATE_KEY,
    PASSWORD_HASH_MEMORY_KIB: '1024',
    PASSWORD_HASH_ITERATIONS: '1',
    RATE_LIMITS_ENABLED: 'false',
    PORT: '0',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** tsx's loader by path, so that a process started in another folder finds it too. */
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** `src/main.ts` in its own process, with exactly `env` (nothing inherited but PATH and HOME). */
function spawnMain(env: Record<string, string>, options: SpawnOptions): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, join(ROOT, 'src', 'main.ts')], {
    cwd: options.cwd ?? emptyFolder(),
    // tsx reads the decorator settings from the repository's tsconfig, wherever the process runs.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Runs the command line (`src/cli/main.ts`, what the package's `gatehouse` bin runs) with exactly
 * `env` (nothing inherited but PATH and HOME), `stdin` written to it; resolves with its exit code
 * and output.
 */
export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: emptyFolder(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.end(stdin);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
