import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
let narrow: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // Two hashes at a time and four waiting: the rest must be refused, not queued without end. Each
  // hash costs what production's does (tens of milliseconds), so 200 logins sent at once arrive
  // faster than they are hashed, however quickly this machine parses and routes them.
  narrow = await startTestServer({ env: { PASSWORD_HASH_CONCURRENCY: '2', PASSWORD_HASH_QUEUE_LIMIT: '4', PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2' } });
});
afterAll(async () => {
  await Promise.all([server?.close(), narrow?.close()]);
});

const send = (query: string, variables?: object) => new TestClient(server.graphqlUrl).post(JSON.stringify({ query, variables }));

describe('one authentication mutation per operation (SEC-12)', () => {
  it('50 aliased logins are refused before any password is checked', async () => {
    const { email } = await registerUser(server);
    const verify = vi.spyOn(server.app.services.passwords, 'verify');
    try {
      const fields = Array.from({ length: 50 }, (_, i) => `a${i}: login(input: { email: $e, password: "guess-${i}-xxxx" }) { __typename }`);
      const response = await send(`mutation($e: String!) { ${fields.join(' ')} }`, { e: email });
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  it('two different authentication mutations, or one hidden in a fragment, are refused too', async () => {
    const twoKinds = await send('mutation { login(input: { email: "a@example.com", password: "xxxxxxxxx" }) { __typename } refreshToken(refreshToken: "x") { __typename } }');
    expect(errorCode(twoKinds)).toBe('GRAPHQL_VALIDATION_FAILED');
    const viaFragment = await send(
      'mutation { login(input: { email: "a@example.com", password: "xxxxxxxxx" }) { __typename } ...F } fragment F on Mutation { b: login(input: { email: "b@example.com", password: "xxxxxxxxx" }) { __typename } }',
    );
    expect(errorCode(viaFragment)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a single login still works', async () => {
    const { email } = await registerUser(server);
    const response = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(response.data?.login?.__typename).toBe('AuthSuccess');
  });
});

describe('query limits, before execution (SEC-52)', () => {
  it('depth over 8 is refused', async () => {
    expect((await send('{ me { id } }')).errors).toBeUndefined();
    const nested = 'query { ' + 'a: __type(name: "Query") { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }';
    expect(errorCode(await send(nested))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('more than 15 aliases are refused', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `m${i}: me { id }`).join(' ');
    expect(errorCode(await send(`{ ${aliases} }`))).toBe('GRAPHQL_VALIDATION_FAILED');
    const fifteen = Array.from({ length: 15 }, (_, i) => `m${i}: me { id }`).join(' ');
    expect((await send(`{ ${fifteen} }`)).errors).toBeUndefined();
  });

  it('more than 50 directives are refused', async () => {
    expect(errorCode(await send(`{ me ${'@include(if: true) '.repeat(51)} { id } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('more than 1000 tokens are refused while parsing', async () => {
    const response = await send(`{ ${'__typename '.repeat(1001)} }`);
    expect(errorCode(response)).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.errors?.[0]?.message).toMatch(/1000 tokens/);
  });
});

describe('bounded password hashing (SEC-05)', () => {
  it('200 parallel logins: overflow is RATE_LIMITED with retryAfter, nothing fails with a 5xx, and the server stays up', async () => {
    const { email } = await registerUser(narrow);
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => new TestClient(narrow.graphqlUrl).request(LoginDocument, { input: { email, password: 'wrong password!' } })),
    );
    const codes = responses.map(errorCode);
    expect(responses.every((r) => r.status < 500)).toBe(true);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(0);
    expect(codes.every((c) => c === 'RATE_LIMITED' || c === 'INVALID_CREDENTIALS')).toBe(true);
    const limited = responses.find((r) => errorCode(r) === 'RATE_LIMITED')!;
    expect(limited.errors?.[0]?.extensions?.retryAfter).toBe(1);
    // The status of the code, as from any rate limit, though raised inside the resolver (SEC-70).
    expect(limited.status).toBe(429);
    expect(await whoAmI((await registerUser(narrow)).client)).not.toBe('UNAUTHENTICATED');
  });
});
