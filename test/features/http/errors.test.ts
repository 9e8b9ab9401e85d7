import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { adminQuery } from '../../helpers/database';
import { startTestServer, type TestServer } from '../../helpers/test-server';
import { inject } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const INTERNALS = /at \w+ \(|node_modules|select |insert |postgres|database|ECONNREFUSED|relation|stack/i;

/** Makes the server's database refuse connections, as during an outage; returns the undo. */
async function takeDatabaseDown(): Promise<() => Promise<void>> {
  const name = new URL(server.databaseUrl).pathname.slice(1);
  const admin = inject('adminUrl');
  await adminQuery(admin, `alter database "${name}" allow_connections false`);
  await adminQuery(admin, 'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  return async () => {
    await adminQuery(admin, `alter database "${name}" allow_connections true`);
  };
}

describe('when the database is unavailable', () => {
  it('healthz answers 503, GraphQL answers a masked INTERNAL_SERVER_ERROR, and both recover', async () => {
    const { client, email } = await registerUser(server);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);

    const restore = await takeDatabaseDown();
    try {
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(503);
      const me = await client.request(MeDocument);
      expect(errorCode(me)).toBe('INTERNAL_SERVER_ERROR');
      expect(me.errors?.[0]?.message).toBe('Something went wrong on our side. Please try again.');
      expect(me.text).not.toMatch(INTERNALS);
      const login = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
      expect(errorCode(login)).toBe('INTERNAL_SERVER_ERROR');
      expect(login.text).not.toMatch(INTERNALS);
    } finally {
      await restore();
    }

    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect((await client.request(MeDocument)).data?.me?.email).toBe(email);
  });
});

describe('malformed requests', () => {
  it('invalid JSON gets 400 in GraphQL error shape, without internals', async () => {
    const response = await new TestClient(server.graphqlUrl).post('{"query": ');
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_REQUEST');
    expect(response.text).not.toMatch(INTERNALS);
  });

  it('a syntax error gets GRAPHQL_PARSE_FAILED, an unknown field GRAPHQL_VALIDATION_FAILED', async () => {
    const parse = await new TestClient(server.graphqlUrl).post(JSON.stringify({ query: '{ me { ' }));
    expect(errorCode(parse)).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = await new TestClient(server.graphqlUrl).post(JSON.stringify({ query: '{ me { passwordHash } }' }));
    expect(errorCode(unknown)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it.each([
    ['null for a required field', { email: null, password: GOOD_PASSWORD }],
    ['a number for a string', { email: 42, password: GOOD_PASSWORD }],
    ['an operator object', { email: { $ne: null }, password: GOOD_PASSWORD }],
    ['__proto__ key', JSON.parse('{"email":"a@example.com","password":"xxxxxxxxx","__proto__":{"isAdmin":true}}')],
  ])('variables with %s get BAD_USER_INPUT', async (_label, input) => {
    const response = await new TestClient(server.graphqlUrl).post(
      JSON.stringify({ query: 'mutation($input: LoginInput!) { login(input: $input) { __typename } }', variables: { input } }),
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.text).not.toMatch(INTERNALS);
  });

  it('an unknown path gets a JSON 404', async () => {
    const response = await fetch(`${server.baseUrl}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }] });
  });

  it('responses carry no-store caching and nosniff', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
