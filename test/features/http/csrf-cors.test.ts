import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from '../../helpers/accounts';
import { startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { FRONTEND_URL: 'https://app.example.com' } });
});
afterAll(() => server?.close());

describe('CSRF (SEC-34)', () => {
  it('a text/plain POST carrying a valid cookie is refused with 400 and changes nothing', async () => {
    const { client, email } = await registerUser(server);
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...client.cookieHeader() },
      body: JSON.stringify({ query: 'mutation { logout(everywhere: true) }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('"logout"');
    expect((await client.request(MeDocument)).data?.me?.email).toBe(email); // still signed in
  });

  it('a form-encoded POST carrying a valid cookie is refused and changes nothing', async () => {
    const { client, email } = await registerUser(server);
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...client.cookieHeader() },
      body: 'query=mutation%20%7B%20logout%20%7D',
    });
    expect(response.status).toBe(400);
    expect((await client.request(MeDocument)).data?.me?.email).toBe(email);
  });

  it('a mutation sent with GET is refused with 405', async () => {
    const { client, email } = await registerUser(server);
    const url = `${server.graphqlUrl}?query=${encodeURIComponent('mutation { logout(everywhere: true) }')}`;
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true', ...client.cookieHeader() } });
    expect(response.status).toBe(405);
    expect((await client.request(MeDocument)).data?.me?.email).toBe(email);
  });
});

describe('CORS (SEC-34)', () => {
  const preflight = (origin: string) =>
    fetch(server.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  it('allows the configured origin with credentials', async () => {
    const response = await preflight('https://app.example.com');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it.each(['https://evil.com', 'null', 'https://app.example.com.evil.com', 'http://app.example.com'])(
    'gives no CORS grant to %s (no wildcard, no reflection)',
    async (origin) => {
      const response = await preflight(origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
    },
  );
});

describe('CORS for a frontend team (SEC-34)', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  it('a preflight from an origin that may not call us is answered 403 ORIGIN_NOT_ALLOWED, saying so, without a grant; the server logs the origin once', async () => {
    const lines: string[] = [];
    const logged = await startTestServer({ env: { FRONTEND_URL: 'https://app.example.com', LOG_LEVEL: 'warn' }, logDestination: { write: (line: string) => void lines.push(line) } });
    try {
      for (let i = 0; i < 3; i++) {
        const refused = await preflight(logged.graphqlUrl, 'http://localhost:5173');
        expect(refused.status).toBe(403);
        expect(refused.headers.get('access-control-allow-origin')).toBeNull();
        const body = (await refused.json()) as { errors: { message: string; extensions: { code: string } }[] };
        expect(body.errors[0]).toMatchObject({ extensions: { code: 'ORIGIN_NOT_ALLOWED' }, message: expect.stringMatching(/CORS_ORIGINS/) });
      }
      expect((await preflight(logged.graphqlUrl, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      const warnings = lines.filter((l) => l.includes('CORS_ORIGINS'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0]!)).toMatchObject({ origin: 'http://localhost:5173' });
    } finally {
      await logged.close();
    }
  });

  it('in development any http://localhost and http://127.0.0.1 port may call with credentials; elsewhere only the listed origins', async () => {
    const dev = await startTestServer({ env: { NODE_ENV: 'development', PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2' } });
    try {
      for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:3001']) {
        const allowed = await preflight(dev.graphqlUrl, origin);
        expect(allowed.headers.get('access-control-allow-origin'), origin).toBe(origin);
        expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      }
      for (const origin of ['https://localhost:5173', 'http://localhost.evil.com:5173', 'http://127.0.0.1.nip.io:80', 'http://192.168.1.5:5173']) {
        expect((await preflight(dev.graphqlUrl, origin)).status, origin).toBe(403);
      }
    } finally {
      await dev.close();
    }
    expect((await preflight(server.graphqlUrl, 'http://localhost:5173')).status).toBe(403); // NODE_ENV=test, as production: the list only
  });
});

describe('a cookie the browser will drop', () => {
  it('a sign-in from a page of another site (127.0.0.1 calling localhost) is logged once, with what to change; same site, or SameSite=None, is not', async () => {
    const lines: string[] = [];
    const logged = await startTestServer({ env: { LOG_LEVEL: 'warn' }, logDestination: { write: (line: string) => void lines.push(line) } });
    const crossSite = await startTestServer({ env: { LOG_LEVEL: 'warn', COOKIE_SECURE: 'true', SESSION_COOKIE_SAMESITE: 'none' }, logDestination: { write: (line: string) => void lines.push(line) } });
    try {
      const register = (url: string, origin: string) =>
        fetch(url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: `mutation { register(input: { email: "${uniqueEmail()}", password: "${GOOD_PASSWORD}" }) { __typename } }` }) });
      const localhost = logged.graphqlUrl.replace('127.0.0.1', 'localhost'); // the API as http://localhost:<port>
      for (let i = 0; i < 2; i++) expect((await register(localhost, 'http://127.0.0.1:3000')).headers.getSetCookie().length).toBeGreaterThan(0);
      await register(localhost, 'http://localhost:3000'); // same site: ports do not matter
      await register(crossSite.graphqlUrl.replace('127.0.0.1', 'localhost'), 'http://127.0.0.1:3000'); // SameSite=None is sent across sites
      const warnings = lines.filter((l) => l.includes('will drop the cookies'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0]!)).toMatchObject({ origin: 'http://127.0.0.1:3000', msg: expect.stringMatching(/SESSION_COOKIE_SAMESITE=none/) });
    } finally {
      await Promise.all([logged.close(), crossSite.close()]);
    }
  });
});

describe('HTTP batching (SEC-12)', () => {
  it('refuses an array of operations with 400', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Operation batching disabled');
  });
});
