import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginDocument, MeDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
let basicServer: TestServer;
let proxiedServer: TestServer;
let untrustedProxyServer: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  basicServer = await startTestServer({ databaseUrl: server.databaseUrl, env: { AUTH_BASIC_ENABLED: 'true' } });
  proxiedServer = await startTestServer({
    databaseUrl: server.databaseUrl,
    env: { TRUSTED_PROXY_AUTH_HEADER: 'X-Remote-User', TRUSTED_PROXY_AUTH_FROM: '127.0.0.1/32' },
  });
  untrustedProxyServer = await startTestServer({
    databaseUrl: server.databaseUrl,
    env: { TRUSTED_PROXY_AUTH_HEADER: 'X-Remote-User', TRUSTED_PROXY_AUTH_FROM: '10.0.0.0/8' },
  });
});
afterAll(async () => {
  await Promise.all([server, basicServer, proxiedServer, untrustedProxyServer].map((s) => s?.close()));
});

const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;
const withHeaders = (s: TestServer, headers: Record<string, string>) => ({ request: () => new TestClient(s.graphqlUrl).request(MeDocument, {}, { headers }) });

describe('precedence and failing closed (SEC-44)', () => {
  it('a valid cookie with a garbage bearer token is UNAUTHENTICATED (no fallback to the cookie)', async () => {
    const { client } = await registerUser(server, 'COOKIE');
    client.authorization = 'Bearer gths_garbage';
    const response = await client.request(MeDocument);
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('a valid bearer token wins over a garbage cookie', async () => {
    const { client, email } = await registerUser(server, 'SESSION_TOKEN');
    client.cookies.set('gatehouse_session', 'garbage');
    expect(await whoAmI(client)).toBe(email);
  });

  it.each([
    ['an empty Bearer', 'Bearer '],
    ['an unknown scheme', 'Digest username="x"'],
    ['a bare word', 'gths_abc'],
    ['Basic while Basic is disabled', basic('a@example.com', GOOD_PASSWORD)],
    ['a JWT sent with the Token scheme', 'Token eyJhbGciOiJFUzI1NiJ9.e30.sig'],
  ])('%s is UNAUTHENTICATED', async (_label, authorization) => {
    const response = await withHeaders(server, { authorization }).request();
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('a failed credential still lets the client sign in again', async () => {
    const { email } = await registerUser(server);
    const client = new TestClient(server.graphqlUrl);
    client.authorization = 'Bearer gths_expired';
    client.cookies.set('gatehouse_session', 'stale');
    const response = await client.request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(response.data?.login?.__typename).toBe('AuthSuccess');
  });

  it('a session token is not a cookie value and a cookie is not a bearer token', async () => {
    const { result } = await registerUser(server, 'SESSION_TOKEN');
    const { client: browser } = await registerUser(server, 'COOKIE');
    const cookieToken = decodeURIComponent([...browser.cookies.values()][0]!).slice(2).split('.')[0]!;
    expect(await whoAmI(Object.assign(new TestClient(server.graphqlUrl), { authorization: `Bearer ${cookieToken}` }))).toBe('UNAUTHENTICATED');
    expect(result.sessionToken).toMatch(/^gths_/);
  });
});

describe('Basic authentication', () => {
  it('signs each request in with email and password when enabled', async () => {
    const { email } = await registerUser(basicServer);
    expect((await withHeaders(basicServer, { authorization: basic(email, GOOD_PASSWORD) }).request()).data?.me?.email).toBe(email);
  });

  it('answers a wrong password, an unknown user and a deactivated user alike, each after one verification (SEC-08, SEC-09)', async () => {
    const { email } = await registerUser(basicServer);
    const disabled = await registerUser(basicServer);
    await sql(basicServer, 'update users set is_active = false where email = ?', [disabled.email]);
    const verify = vi.spyOn(basicServer.app.services.passwords, 'verify');
    try {
      const responses = [
        await withHeaders(basicServer, { authorization: basic(email, 'wrong password!') }).request(),
        await withHeaders(basicServer, { authorization: basic(uniqueEmail(), GOOD_PASSWORD) }).request(),
        await withHeaders(basicServer, { authorization: basic(disabled.email, GOOD_PASSWORD) }).request(),
      ];
      expect(verify).toHaveBeenCalledTimes(3);
      for (const response of responses) {
        expect(response.status).toBe(401);
        expect(response.text).toBe(responses[0]!.text);
      }
    } finally {
      verify.mockRestore();
    }
  });

  it('obeys the verification gate like login: under mandatory verification an unverified user is refused (SEC-55)', async () => {
    const mandatory = await startTestServer({ databaseUrl: server.databaseUrl, env: { AUTH_BASIC_ENABLED: 'true', EMAIL_VERIFICATION: 'mandatory' } });
    try {
      const { email } = await registerUser(server); // registered while verification was optional: unverified
      const login = await new TestClient(mandatory.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
      expect(login.data?.login?.__typename).toBe('PendingStep');
      const refused = await withHeaders(mandatory, { authorization: basic(email, GOOD_PASSWORD) }).request();
      expect(refused.status).toBe(401);
      expect(errorCode(refused)).toBe('UNAUTHENTICATED');

      await sql(server, 'update users set email_verified_at = now() where email = ?', [email]);
      expect((await withHeaders(mandatory, { authorization: basic(email, GOOD_PASSWORD) }).request()).data?.me?.email).toBe(email);
    } finally {
      await mandatory.close();
    }
  });

  it('malformed Basic credentials are UNAUTHENTICATED', async () => {
    const response = await withHeaders(basicServer, { authorization: 'Basic !!!not-base64' }).request();
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });
});

describe('trusted-proxy identity', () => {
  it('takes the user named by the header from a configured proxy address', async () => {
    const { email } = await registerUser(server);
    expect((await withHeaders(proxiedServer, { 'x-remote-user': email }).request()).data?.me?.email).toBe(email);
  });

  it('ignores the header from any other address (a client cannot name itself)', async () => {
    const { email } = await registerUser(server);
    const response = await withHeaders(untrustedProxyServer, { 'x-remote-user': email }).request();
    expect(response.data?.me).toBeNull();
  });

  it('an unknown or deactivated user named by the proxy is UNAUTHENTICATED', async () => {
    expect(errorCode(await withHeaders(proxiedServer, { 'x-remote-user': uniqueEmail() }).request())).toBe('UNAUTHENTICATED');
    const { email } = await registerUser(server);
    await sql(server, 'update users set is_active = false where email = ?', [email]);
    expect(errorCode(await withHeaders(proxiedServer, { 'x-remote-user': email }).request())).toBe('UNAUTHENTICATED');
  });
});
