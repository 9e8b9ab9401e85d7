import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoginDocument } from '../generated/graphql';
import { GOOD_PASSWORD, registerUser } from '../helpers/accounts';
import { errorCode, TestClient } from '../helpers/client';
import { signalCluster, startOwnCluster } from '../helpers/own-cluster';
import { processEnv, runServerToExit, spawnServer } from '../helpers/process';

/**
 * SIGTERM while the database is stalled or gone (SEC-62): every request in flight gets an answer
 * (503 when the database could not serve it), none is cut off, and the process exits within the
 * documented bound (SHUTDOWN_TIMEOUT_MS, 10 s) instead of hanging or being killed.
 */
const EXIT_BOUND_MS = 10_000;


async function stopTimed(stop: () => Promise<number | null>) {
  const started = Date.now();
  const code = await stop();
  return { code, ms: Date.now() - started };
}

describe('SIGTERM with the database stalled or gone (SEC-62)', () => {
  it('a frozen database: the requests in flight are answered 503 and the process exits 0 within the bound', async () => {
    const cluster = await startOwnCluster();
    const server = await spawnServer(processEnv({ DATABASE_URL: cluster.databaseUrl }));
    try {
      const { email } = await registerUser(server);
      cluster.freeze();
      const inFlight = Array.from({ length: 5 }, () =>
        new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } }).then(
          (response) => ({ status: response.status, code: errorCode(response) }),
          (error: unknown) => ({ status: 0, code: String(error) }), // cut off with no response
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 300)); // the requests reach the server
      const stopped = await stopTimed(() => server.stop('SIGTERM'));
      expect(await Promise.all(inFlight)).toEqual(Array(5).fill({ status: 503, code: 'SERVICE_UNAVAILABLE' }));
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(EXIT_BOUND_MS);
    } finally {
      server.child.kill('SIGKILL');
      await cluster.stop();
    }
  });

  it('a frozen embedded database: the process exits 0 within the bound (PostgreSQL is killed, not waited for)', async () => {
    const env = processEnv({});
    const server = await spawnServer(env);
    let frozen: number[] = [];
    try {
      await registerUser(server);
      frozen = signalCluster(join(env.GATEHOUSE_DATA_DIR!, 'postgres'), 'SIGSTOP');
      const stopped = await stopTimed(() => server.stop('SIGTERM'));
      expect(stopped.ms).toBeLessThan(EXIT_BOUND_MS);
      expect(stopped.code).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGKILL'); // the backends too: frozen, they would outlive the test
        } catch {
          // already gone
        }
      }
    }
  });

  it('SIGTERM in the middle of start-up (or the moment it listens): stops cleanly, exit 0, nothing left on the data dir', async () => {
    for (const when of [/creating embedded PostgreSQL cluster/, /Gatehouse listening/]) {
      const env = processEnv({});
      const { code, output } = await runServerToExit(env, { signal: { when, signal: 'SIGTERM' } });
      expect(code, output).toBe(0);
      expect(output).toMatch(/"msg":"stopped"/);
      expect(existsSync(join(env.GATEHOUSE_DATA_DIR!, 'postgres', 'postmaster.pid'))).toBe(false); // its PostgreSQL stopped too
    }
  });

  it('the embedded PostgreSQL never decides the exit code: a process that ends with exitCode 3 exits 3 (so a failing test run is never reported as passing)', async () => {
    const dir = join(processEnv({}).GATEHOUSE_DATA_DIR!, 'pg');
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'db', 'embedded.ts'))});
      const pino = require('pino');
      (async () => {
        const cluster = await startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, persistent: false, logger: pino({ level: 'silent' }) });
        await cluster.stop();
        process.exitCode = 3;
      })();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(3);
  });

  it('an embedded database killed under it: the process still exits within the bound', async () => {
    const env = processEnv({});
    const server = await spawnServer(env);
    try {
      await registerUser(server);
      const postmaster = Number(readFileSync(join(env.GATEHOUSE_DATA_DIR!, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(postmaster, 'SIGKILL');
      const stopped = await stopTimed(() => server.stop('SIGTERM'));
      expect(stopped.ms).toBeLessThan(EXIT_BOUND_MS);
      expect(stopped.code).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
