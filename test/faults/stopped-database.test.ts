import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument } from '../generated/graphql';
import { GOOD_PASSWORD, registerUser, whoAmI } from '../helpers/accounts';
import { errorCode, TestClient } from '../helpers/client';
import { eventually, timed } from '../helpers/eventually';
import { type OwnCluster, startOwnCluster } from '../helpers/own-cluster';
import { startTestServer, type TestServer } from '../helpers/test-server';

/**
 * PostgreSQL killed (SIGKILL to every process of a cluster of the test's own) and started again:
 * while it is gone every request is refused quickly with SERVICE_UNAVAILABLE, a credential is
 * never taken on trust from a cache (fail closed), and once it is back the server serves again,
 * credentials included, without a restart (SEC-38, SEC-62). Bounds are the requirement under
 * test, not speed targets.
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

describe('a killed database (SEC-38, SEC-62)', () => {
  it('refuses within seconds and fails closed while it is gone, and serves again, sessions intact, once it is back', async () => {
    const withCookie = await registerUser(server, 'COOKIE');
    const withJwt = await registerUser(server, 'JWT');
    expect(await whoAmI(withCookie.client)).toBe(withCookie.email); // cached now
    expect(await whoAmI(withJwt.client)).toBe(withJwt.email);

    cluster.kill();
    // The listener notices within its heartbeat; from then on nothing is answered from a cache.
    await eventually(async () => {
      for (const { client } of [withCookie, withJwt]) {
        const me = await timed(() => client.request(MeDocument));
        expect(errorCode(me.result)).toBe('SERVICE_UNAVAILABLE');
        expect(me.ms).toBeLessThan(4_000);
      }
    }, 3_000, 100);
    const login = await timed(() => new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email: withCookie.email, password: GOOD_PASSWORD } }));
    expect(errorCode(login.result)).toBe('SERVICE_UNAVAILABLE');
    expect(login.result.status).toBe(503);
    expect(login.ms).toBeLessThan(4_000);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(503);

    await cluster.restart();
    await eventually(async () => {
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      expect(await whoAmI(withCookie.client)).toBe(withCookie.email);
      expect(await whoAmI(withJwt.client)).toBe(withJwt.email);
    }, 10_000, 200);
  });
});
