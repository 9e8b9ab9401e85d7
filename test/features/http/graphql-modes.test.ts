import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../helpers/client';
import { Mailbox } from '../../helpers/mailbox';
import { startTestServer, type TestServer } from '../../helpers/test-server';

let development: TestServer;
let production: TestServer;
let mailbox: Mailbox;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  // Outside NODE_ENV=test the cheap test hashing parameters are refused, so use the real ones.
  const realHashing = { PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2' };
  development = await startTestServer({ env: { NODE_ENV: 'development', ...realHashing } });
  production = await startTestServer({ env: { NODE_ENV: 'production', COOKIE_SECURE: 'true', SMTP_URL: mailbox.url, ...realHashing } });
});
afterAll(async () => {
  await Promise.all([development?.close(), production?.close(), mailbox?.close()]);
});

const landingPage = (server: TestServer) => fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
const post = (server: TestServer, query: string) => new TestClient(server.graphqlUrl).post(JSON.stringify({ query }));

describe('in development', () => {
  it('serves the Apollo Sandbox landing page on GET', async () => {
    const response = await landingPage(development);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  it('answers introspection', async () => {
    const response = await post(development, '{ __schema { queryType { name } } }');
    expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('in production (SEC-51)', () => {
  it('serves no landing page', async () => {
    const response = await landingPage(production);
    expect(await response.text()).not.toMatch(/sandbox/i);
  });

  it('refuses introspection', async () => {
    const response = await post(production, '{ __schema { types { name } } }');
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.text).not.toContain('AuthSuccess');
  });

  it('does not suggest field names', async () => {
    const response = await post(production, '{ mee { id } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.text).not.toMatch(/did you mean/i);
    const dev = await post(development, '{ mee { id } }');
    expect(dev.text).toMatch(/did you mean/i); // the same request shows the difference is the mode
  });
});

describe('security headers (SEC-71)', () => {
  const frameable = (response: Response) => ({
    xfo: response.headers.get('x-frame-options'),
    frameAncestors: /frame-ancestors 'none'/.test(response.headers.get('content-security-policy') ?? ''),
  });

  it('no response of ours may be framed, and an API answer may load nothing', async () => {
    const api = await fetch(`${development.baseUrl}/healthz`);
    expect(frameable(api)).toEqual({ xfo: 'DENY', frameAncestors: true });
    expect(api.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    // an HTML page of the redirect flow
    const page = await fetch(`${development.baseUrl}/auth/no-such-provider`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(frameable(page)).toEqual({ xfo: 'DENY', frameAncestors: true });
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  });

  it('the Sandbox page gets a CSP that allows only what it loads', async () => {
    const response = await landingPage(development);
    const csp = response.headers.get('content-security-policy')!;
    const html = await response.text();
    for (const [, src] of html.matchAll(/<script[^>]* src="(https:\/\/[^/"]+)/g)) expect(csp).toContain(src);
    expect(csp).toMatch(/frame-src https:\/\/sandbox\.embed\.apollographql\.com/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/\*/);
    // A JSON request to the same path keeps the API policy.
    const json = await post(development, '{ __typename }');
    expect(json.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  });

  it('HSTS in production only', async () => {
    expect((await fetch(`${production.baseUrl}/healthz`)).headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    expect((await fetch(`${development.baseUrl}/healthz`)).headers.get('strict-transport-security')).toBeNull();
  });

  it('a 401 names the Bearer scheme, with error="invalid_token" when the token sent was the problem (RFC 6750)', async () => {
    const invalid = await new TestClient(development.graphqlUrl).post(JSON.stringify({ query: '{ me { id } }' }), { headers: { authorization: 'Bearer gths_not-a-session' } });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse", error="invalid_token"');
    const missing = await post(development, '{ credentials { id } }');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
    const fine = await post(development, '{ me { id } }');
    expect(fine.headers.get('www-authenticate')).toBeNull();
  });
});
