import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument } from '../../generated/graphql';
import { registerUser } from '../../helpers/accounts';
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
