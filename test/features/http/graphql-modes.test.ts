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
