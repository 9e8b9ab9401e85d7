import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument } from '../generated/graphql';
import { GOOD_PASSWORD, registerUser, whoAmI } from '../helpers/accounts';
import { errorCode, TestClient } from '../helpers/client';
import { eventually, timed } from '../helpers/eventually';
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

describe('a frozen database with the rate limits counting in it (SEC-62)', () => {
  it('a limited sign-in is refused with SERVICE_UNAVAILABLE within seconds, not held by the counters’ own pool', async () => {
    const limited = await startTestServer({ databaseUrl: cluster.databaseUrl, env: { RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_KEY_PREFIX: `frozen-${Date.now()}` } });
    try {
      const { email } = await registerUser(limited);
      cluster.freeze();
      try {
        const login = await timed(() => new TestClient(limited.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } }));
        expect(errorCode(login.result)).toBe('SERVICE_UNAVAILABLE');
        expect(login.ms).toBeLessThan(9_000);
      } finally {
        cluster.thaw();
      }
    } finally {
      await limited.close();
    }
  });
});

describe('a frozen listener (SEC-38, SEC-62)', () => {
  it('a credential revoked while every instance’s LISTEN connection is frozen is refused within two seconds', async () => {
    const other = await startTestServer({ databaseUrl: cluster.databaseUrl });
    const admin = new pg.Client({ connectionString: cluster.databaseUrl });
    await admin.connect();
    const listeners: number[] = [];
    try {
      const { client, email, result } = await registerUser(server, 'JWT');
      const onOther = client.clone(other.graphqlUrl);
      expect(await whoAmI(client)).toBe(email); // verified and cached on both
      expect(await whoAmI(onOther)).toBe(email);
      const { rows } = await admin.query<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'gatehouse-notifications'`);
      listeners.push(...rows.map((r) => r.pid));
      expect(listeners.length).toBeGreaterThanOrEqual(2);
      for (const pid of listeners) process.kill(pid, 'SIGSTOP');

      await admin.query(`update sessions set revoked_at = now() where id = $1`, [result.session.id]); // an operator's revocation
      const started = Date.now();
      await eventually(async () => {
        expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
        expect(await whoAmI(onOther)).toBe('UNAUTHENTICATED');
      }, 2_500, 50);
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      for (const pid of listeners) process.kill(pid, 'SIGCONT');
      await admin.end();
      await other.close();
    }
  });
});
