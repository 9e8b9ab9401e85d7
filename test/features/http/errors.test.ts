import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { adminQuery } from '../../helpers/database';
import { eventually } from '../../helpers/eventually';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';
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
  it('healthz answers 503, GraphQL answers SERVICE_UNAVAILABLE without internals, and both recover (SEC-62)', async () => {
    const { client, email } = await registerUser(server);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);

    const restore = await takeDatabaseDown();
    try {
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', checks: { database: 'unavailable' } });
      const me = await client.request(MeDocument);
      expect(errorCode(me)).toBe('SERVICE_UNAVAILABLE');
      expect(me.errors?.[0]?.message).toBe('The service is unavailable for a moment. Please try again shortly.');
      expect(me.text).not.toMatch(INTERNALS);
      const login = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
      expect(errorCode(login)).toBe('SERVICE_UNAVAILABLE');
      // A mutation answers with the code's status, as a query does (SEC-70).
      expect(me.status).toBe(503);
      expect(login.status).toBe(503);
      expect(login.text).not.toMatch(INTERNALS);
    } finally {
      await restore();
    }

    // Back by itself, without a restart: the listener reconnects within a second of the database.
    await eventually(async () => {
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', checks: { database: 'ok', listener: 'ok' } });
    }, 2500);
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
    expect(await response.json()).toEqual({ errors: [{ message: 'Not found.', extensions: { code: 'ROUTE_NOT_FOUND' } }] });
  });

  it('responses carry no-store caching and nosniff', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('error messages never repeat a submitted secret (SEC-69)', () => {
  const SECRET = 'my-very-secret-passphrase-42';
  const cases: [string, string, Record<string, unknown>?][] = [
    ['an extra input field beside the password', 'mutation($input: LoginInput!) { login(input: $input) { __typename } }', { input: { email: 'a@example.com', password: SECRET, role: 'admin' } }],
    ['a misspelt field carrying the password', 'mutation($input: LoginInput!) { login(input: $input) { __typename } }', { input: { email: 'a@example.com', passwrd: SECRET } }],
    ['a number where the password goes', 'mutation($input: LoginInput!) { login(input: $input) { __typename } }', { input: { email: SECRET, password: 424242424242 } }],
    ['a secret as an enum value', 'mutation($input: LoginInput!) { login(input: $input) { __typename } }', { input: { email: 'a@example.com', password: 'x', credentials: SECRET } }],
    ['a secret as a DateTime', 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }', { input: { name: 'x', expiresAt: SECRET } }],
    ['a reset token of the wrong type', 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) }', { input: { token: [SECRET], newPassword: SECRET } }],
    ['a literal of the wrong type in the document', `mutation { login(input: { email: "a@example.com", password: 424242424242 }) { __typename } }`],
    ['a literal extra field in the document', `mutation { login(input: { email: "a@example.com", password: "${SECRET}", extra: "${SECRET}" }) { __typename } }`],
    ['a literal enum value in the document', `mutation { login(input: { email: "a@example.com", password: "${SECRET}", credentials: ${SECRET.replace(/-/g, '_')} }) { __typename } }`],
  ];

  it.each(cases)('%s', async (_label, query, variables) => {
    const client = new TestClient(server.graphqlUrl);
    client.notesSentSecrets = false;
    const response = await client.post(JSON.stringify({ query, variables }));
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(errorCode(response));
    for (const error of response.errors!) {
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain(SECRET.replace(/-/g, '_'));
      expect(error.message).not.toContain('424242424242');
      expect(error.message).not.toContain('my-very');
    }
  });

  it('still says where and why, in its own words', async () => {
    const response = await new TestClient(server.graphqlUrl).post(
      JSON.stringify({ query: 'mutation($input: LoginInput!) { login(input: $input) { __typename } }', variables: { input: { email: 'a@example.com', password: 'x', role: 'admin' } } }),
    );
    expect(response.errors?.[0]?.message).toBe('Variable "$input" got an invalid value: field "role" is not defined by type "LoginInput".');
  });
});

describe('hostile paths and cursors get a clear 4xx, never a 500', () => {
  it.each(['/auth/%ff', '/auth/%', '/auth/%E0%A4%A/callback', '/graphql/%ff', '/%ff'])('GET %s', async (path) => {
    const response = await fetch(`${server.baseUrl}${path}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).not.toMatch(INTERNALS);
  });

  it.each([
    ['a year PostgreSQL cannot store', Buffer.from(JSON.stringify(['-271821-04-20T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])).toString('base64url')],
    ['a timestamp as a number', Buffer.from(JSON.stringify([-8.64e15, '00000000-0000-4000-8000-000000000000'])).toString('base64url')],
    ['not base64 JSON at all', '!!!'],
    ['an object instead of a pair', Buffer.from('{"a":1}').toString('base64url')],
    ['a NUL in the id', Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', '\u0000'])).toString('base64url')],
  ])('securityEvents(after:) with %s is BAD_USER_INPUT', async (_label, after) => {
    const { client } = await registerUser(server);
    const response = await client.post(JSON.stringify({ query: 'query($after: String) { securityEvents(after: $after) { hasMore } }', variables: { after } }));
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.extensions?.field).toBe('after');
  });

  it('a NUL byte in an email still leaves its audit entry (SEC-15)', async () => {
    const userAgent = `nul-test-${Date.now()}`;
    const response = await new TestClient(server.graphqlUrl).post(
      JSON.stringify({ query: 'mutation($e: String!) { requestPasswordReset(email: $e) }', variables: { e: 'victim\u0000@example.com' } }),
      { headers: { 'user-agent': userAgent } },
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    await eventually(async () => {
      const rows = await sql(server, 'select type, detail from auth_events where user_agent = ?', [userAgent]);
      expect(rows).toEqual([{ type: 'REQUEST_PASSWORD_RESET', detail: 'BAD_USER_INPUT' }]);
    }, 3000);
  });
});
