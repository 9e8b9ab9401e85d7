import { parse as parseSetCookie } from 'set-cookie-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
let secureServer: TestServer;
let proxiedServer: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  secureServer = await startTestServer({ env: { COOKIE_SECURE: 'true' } });
  proxiedServer = await startTestServer({ env: { COOKIE_SECURE: 'auto', TRUST_PROXY: 'loopback' } });
});
afterAll(async () => {
  await Promise.all([server?.close(), secureServer?.close(), proxiedServer?.close()]);
});

/** The one session cookie a response sets (a sign-in also sets the device cookie, SEC-61). */
function sessionCookie(setCookies: string[]) {
  const cookies = parseSetCookie(setCookies, { decodeValues: true }).filter((c) => /gatehouse_session$/.test(c.name));
  expect(cookies).toHaveLength(1);
  return cookies[0]!;
}

/** The opaque token inside a signed cookie value `s:<token>.<hmac>`. */
function tokenOf(cookieValue: string): string {
  const match = /^s:(gths_[A-Za-z0-9_-]{43})\.[A-Za-z0-9+/]+$/.exec(decodeURIComponent(cookieValue));
  if (!match) throw new Error(`unexpected cookie value ${cookieValue}`);
  return match[1]!;
}

describe('session cookie attributes (SEC-29)', () => {
  it('over plain http: HttpOnly, SameSite=Lax, Path=/, no Domain, not Secure, plain name', async () => {
    const failed = await new TestClient(server.graphqlUrl).request(LoginDocument, {
      input: { email: uniqueEmail(), password: GOOD_PASSWORD },
    });
    expect(failed.setCookies).toEqual([]); // a failed login sets nothing
    const register = await new TestClient(server.graphqlUrl).post(
      JSON.stringify({
        query: 'mutation($i: RegisterInput!) { register(input: $i) { __typename } }',
        variables: { i: { email: uniqueEmail(), password: GOOD_PASSWORD } },
      }),
    );
    const cookie = sessionCookie(register.setCookies);
    expect(cookie).toMatchObject({ name: 'gatehouse_session', httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.domain).toBeUndefined();
    expect(cookie.expires!.getTime()).toBeGreaterThan(Date.now());
  });

  it('with COOKIE_SECURE=true: Secure and the __Host- prefix', async () => {
    const { client } = await registerUser(secureServer);
    const [name] = [...client.cookies.keys()];
    expect(name).toBe('__Host-gatehouse_session');
    const response = await new TestClient(secureServer.graphqlUrl).request(LoginDocument, {
      input: { email: (await registerUser(secureServer)).email, password: GOOD_PASSWORD },
    });
    const cookie = sessionCookie(response.setCookies);
    expect(cookie).toMatchObject({ name: '__Host-gatehouse_session', secure: true, httpOnly: true, path: '/', sameSite: 'Lax' });
    expect(cookie.domain).toBeUndefined();
  });

  it('SESSION_COOKIE_SAMESITE and SESSION_COOKIE_DOMAIN set every cookie of ours; with a Domain the prefix is __Secure-, since __Host- forbids one', async () => {
    const crossSite = await startTestServer({ env: { COOKIE_SECURE: 'true', SESSION_COOKIE_SAMESITE: 'none', SESSION_COOKIE_DOMAIN: 'example.test' } });
    const strict = await startTestServer({ env: { SESSION_COOKIE_SAMESITE: 'strict' } });
    try {
      const { email } = await registerUser(crossSite);
      const login = await new TestClient(crossSite.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
      const cookies = parseSetCookie(login.setCookies);
      expect(cookies.map((c) => c.name).sort()).toEqual(['__Secure-gatehouse_device', '__Secure-gatehouse_session']);
      for (const cookie of cookies) expect(cookie).toMatchObject({ sameSite: 'None', secure: true, httpOnly: true, domain: 'example.test', path: '/' });
      const plain = await new TestClient(strict.graphqlUrl).request(LoginDocument, { input: { email: (await registerUser(strict)).email, password: GOOD_PASSWORD } });
      expect(sessionCookie(plain.setCookies)).toMatchObject({ name: 'gatehouse_session', sameSite: 'Strict' });
      expect(sessionCookie(plain.setCookies).domain).toBeUndefined();
    } finally {
      await Promise.all([crossSite.close(), strict.close()]);
    }
  });

  it('with COOKIE_SECURE=auto behind a trusted proxy: Secure and __Host- when the request came over https', async () => {
    const https = new TestClient(proxiedServer.graphqlUrl);
    const { email } = await registerUser(proxiedServer);
    const response = await https.request(LoginDocument, { input: { email, password: GOOD_PASSWORD } }, { headers: { 'x-forwarded-proto': 'https' } });
    expect(sessionCookie(response.setCookies)).toMatchObject({ name: '__Host-gatehouse_session', secure: true });
    const http = await new TestClient(proxiedServer.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(sessionCookie(http.setCookies)).toMatchObject({ name: 'gatehouse_session' });
  });

  it('ignores X-Forwarded-Proto from a proxy that is not trusted', async () => {
    const { email } = await registerUser(server);
    const response = await new TestClient(server.graphqlUrl).request(
      LoginDocument,
      { input: { email, password: GOOD_PASSWORD } },
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    expect(sessionCookie(response.setCookies)).toMatchObject({ name: 'gatehouse_session' });
  });
});

describe('session tokens', () => {
  it('are 256-bit random, unique, and stored only as a SHA-256 hash (SEC-27)', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { client } = await registerUser(server);
      tokens.add(tokenOf([...client.cookies.values()][0]!));
    }
    expect(tokens.size).toBe(20);
    for (const token of tokens) {
      expect(Buffer.from(token.slice('gths_'.length), 'base64url')).toHaveLength(32);
      const stored = await sql(server, 'select 1 from sessions where token_hash = ?', [token]);
      expect(stored).toEqual([]);
    }
    const [sample] = tokens;
    const { createHash } = await import('node:crypto');
    const hashed = await sql(server, 'select 1 from sessions where token_hash = ?', [createHash('sha256').update(sample!).digest('hex')]);
    expect(hashed).toHaveLength(1);
  });

  it('a cookie with a forged signature is UNAUTHENTICATED and cleared (SEC-44)', async () => {
    const { client } = await registerUser(server);
    const [[name, value]] = [...client.cookies] as [[string, string]];
    const token = tokenOf(value);
    const forged = new TestClient(server.graphqlUrl);
    forged.cookies.set(name, encodeURIComponent(`s:${token}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`));
    const response = await forged.request(MeDocument);
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(sessionCookie(response.setCookies).value).toBe('');
    expect(await whoAmI(forged)).toBeNull(); // the browser dropped it: now simply anonymous
    // an unsigned token is refused too
    const unsigned = new TestClient(server.graphqlUrl);
    unsigned.cookies.set(name, token);
    expect(await whoAmI(unsigned)).toBe('UNAUTHENTICATED');
  });

  it('a cookie signed with a retired key still works while it is listed in SECRET_KEY_FALLBACKS', async () => {
    const { client, email } = await registerUser(server);
    const rotated = await startTestServer({
      databaseUrl: server.databaseUrl,
      env: { SECRET_KEY: 'a-brand-new-secret-key-of-32-characters-or-more', SECRET_KEY_FALLBACKS: server.config.secretKeys[0] },
    });
    const withoutFallback = await startTestServer({
      databaseUrl: server.databaseUrl,
      env: { SECRET_KEY: 'a-brand-new-secret-key-of-32-characters-or-more' },
    });
    try {
      expect(await whoAmI(client.clone(rotated.graphqlUrl))).toBe(email);
      expect(await whoAmI(client.clone(withoutFallback.graphqlUrl))).toBe('UNAUTHENTICATED');
    } finally {
      await Promise.all([rotated.close(), withoutFallback.close()]);
    }
  });
});

describe('session fixation (SEC-28)', () => {
  it('a planted cookie is useless: a real session planted in the victim’s browser is replaced on login and never becomes the victim’s', async () => {
    const { email } = await registerUser(server);
    // The attacker's own, valid session, planted in the victim's browser.
    const attacker = await registerUser(server);
    const planted = attacker.client.cookies.get('gatehouse_session')!;
    expect(await whoAmI(attacker.client)).toBe(attacker.email);
    const victim = new TestClient(server.graphqlUrl);
    victim.cookies.set('gatehouse_session', planted);

    const response = await victim.request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(response.data?.login?.__typename).toBe('AuthSuccess');
    expect(sessionCookie(response.setCookies).value).not.toBe(decodeURIComponent(planted));
    expect(await whoAmI(victim)).toBe(email);
    // The attacker's copy of the planted value is not signed in as the victim (nor as anyone: its session ended).
    expect(await whoAmI(attacker.client)).toBe('UNAUTHENTICATED');
  });

  it('signing in again replaces the session: the previous id dies', async () => {
    const { client, email } = await registerUser(server);
    const before = new Map(client.cookies);
    const response = await client.request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(response.data?.login?.__typename).toBe('AuthSuccess');
    expect([...client.cookies.values()]).not.toEqual([...before.values()]);
    const old = Object.assign(new TestClient(server.graphqlUrl), { cookies: before });
    expect(await whoAmI(old)).toBe('UNAUTHENTICATED');
    expect(await whoAmI(client)).toBe(email);
  });
});
