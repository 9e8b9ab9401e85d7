import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument } from '../generated/graphql';
import { GOOD_PASSWORD, registerUser } from '../helpers/accounts';
import { errorCode, TestClient } from '../helpers/client';
import { eventually } from '../helpers/eventually';
import { type OwnCluster, startOwnCluster } from '../helpers/own-cluster';
import { startTestServer, type TestServer } from '../helpers/test-server';

/**
 * A frozen PostgreSQL (SIGSTOP: it accepts nothing and answers nothing, and cannot enforce its own
 * timeouts) must cost a request seconds, never a hang, and the server must come back by itself.
 * The bounds below are the requirement under test (SEC-62), not a speed target.
 */
let cluster: OwnCluster;
let server: TestServer;
beforeAll(async () => {
  cluster = await startOwnCluster();
  server = await startTestServer({ databaseUrl: cluster.databaseUrl });
});
afterAll(async () => {
  await server?.close();
  await cluster?.stop();
});

const timed = async <T>(work: () => Promise<T>) => {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
};

describe('a frozen database (SEC-62)', () => {
  it('answers SERVICE_UNAVAILABLE (503) within seconds, reports it on /healthz, and recovers without a restart', async () => {
    const { email } = await registerUser(server);
    cluster.freeze();
    try {
      const login = await timed(() => new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } }));
      expect(errorCode(login.result)).toBe('SERVICE_UNAVAILABLE');
      expect(login.result.status).toBe(503);
      expect(login.ms).toBeLessThan(9_000);
      // A second request does not wait behind the first: each is bounded on its own.
      const again = await timed(() => new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } }));
      expect(errorCode(again.result)).toBe('SERVICE_UNAVAILABLE');
      expect(again.ms).toBeLessThan(9_000);
      const health = await timed(() => fetch(`${server.baseUrl}/healthz`));
      expect(health.result.status).toBe(503);
      expect(health.ms).toBeLessThan(3_000);
    } finally {
      cluster.thaw();
    }
    await eventually(async () => {
      const login = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
      expect(login.data?.login?.__typename).toBe('AuthSuccess');
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    }, 10_000, 200);
  });
});
