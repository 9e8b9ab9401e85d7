import type { RequestInfo } from '../../../src/context/request-info';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, RegisterDocument, RequestPasswordResetDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { clientAddressKey } from '../../../src/features/rate-limits/client-address';
import { startTestServer, type TestServer } from '../../helpers/test-server';

const LIMITS = {
  RATE_LIMITS_ENABLED: 'true',
  RATE_LIMIT_LOGIN_FAILED_ACCOUNT: '5/300',
  RATE_LIMIT_LOGIN_FAILED_IP: '1000/60',
  RATE_LIMIT_LOGIN_IP: '1000/60',
  RATE_LIMIT_REGISTER_IP: '1000/60',
  RATE_LIMIT_PASSWORD_RESET_EMAIL: '1/60',
  RATE_LIMIT_PASSWORD_RESET_IP: '1000/60',
};

let server: TestServer; // behind a trusted proxy: each X-Forwarded-For is another client
let direct: TestServer; // no trusted proxy: X-Forwarded-For is ignored
let strict: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { ...LIMITS, TRUST_PROXY: 'loopback' } });
  // Their own databases, so no other server's counters for 127.0.0.1 are in their way.
  direct = await startTestServer({ env: { ...LIMITS, RATE_LIMIT_LOGIN_IP: '3/60' } });
  strict = await startTestServer({ env: { ...LIMITS, RATE_LIMIT_REGISTER_IP: '1/60' } });
});
afterAll(async () => {
  await Promise.all([server?.close(), direct?.close(), strict?.close()]);
});

let nextAddress = 1;
const fromNewAddress = () => ({ 'x-forwarded-for': `198.51.100.${nextAddress++ % 250}` });
const login = (s: TestServer, email: string, password: string, headers: Record<string, string> = {}) =>
  new TestClient(s.graphqlUrl).request(LoginDocument, { input: { email, password } }, { headers });

describe('failed-login throttling per account (SEC-10)', () => {
  it('after 5 failures the account is throttled even for the right password from a new address; other accounts are not', async () => {
    const { email } = await registerUser(server);
    const other = await registerUser(server);
    for (let i = 0; i < 5; i++) expect(errorCode(await login(server, email, `wrong password ${i}`, fromNewAddress()))).toBe('INVALID_CREDENTIALS');
    const locked = await login(server, email, GOOD_PASSWORD, fromNewAddress());
    expect(errorCode(locked)).toBe('RATE_LIMITED');
    expect(locked.status).toBe(429);
    expect(locked.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(200);
    expect((await login(server, other.email, GOOD_PASSWORD, fromNewAddress())).data?.login?.__typename).toBe('AuthSuccess');
  });

  it('successful logins do not count', async () => {
    const { email } = await registerUser(server);
    for (let i = 0; i < 8; i++) expect((await login(server, email, GOOD_PASSWORD)).data?.login?.__typename).toBe('AuthSuccess');
  });

  it('throttles an unknown address exactly like a known one (SEC-14)', async () => {
    const nobody = uniqueEmail('nobody');
    for (let i = 0; i < 5; i++) expect(errorCode(await login(server, nobody, `wrong password ${i}`))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await login(server, nobody, GOOD_PASSWORD))).toBe('RATE_LIMITED');
  });

  it('50 simultaneous guesses against one account: no more than 5 are checked (SEC-13)', async () => {
    const { email } = await registerUser(server);
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => login(server, email, `guess number ${i}`, fromNewAddress())));
    expect(responses.filter((r) => errorCode(r) === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(responses.filter((r) => errorCode(r) === 'RATE_LIMITED')).toHaveLength(45);
  });
});

describe('limits per client address (SEC-11, SEC-13)', () => {
  it('of 50 simultaneous registrations against a limit of 1, exactly one passes', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => new TestClient(strict.graphqlUrl).request(RegisterDocument, { input: { email: uniqueEmail('burst'), password: GOOD_PASSWORD } })),
    );
    expect(responses.filter((r) => r.data?.register?.__typename === 'AuthSuccess')).toHaveLength(1);
    expect(responses.filter((r) => errorCode(r) === 'RATE_LIMITED')).toHaveLength(49);
  });

  it('a spoofed X-Forwarded-For does not escape the limit without a trusted proxy', async () => {
    const { email } = await registerUser(direct);
    for (let i = 0; i < 3; i++) await login(direct, email, GOOD_PASSWORD, fromNewAddress());
    expect(errorCode(await login(direct, email, GOOD_PASSWORD, fromNewAddress()))).toBe('RATE_LIMITED');
  });

  it('keys IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', () => {
    const key = (ip: string) => clientAddressKey({ clientAddress: ip } as RequestInfo);
    expect(key('2001:db8:1:2:aaaa::1')).toBe(key('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(key('2001:db8:1:2::1')).not.toBe(key('2001:db8:1:3::1'));
    expect(key('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });
});

describe('refresh tokens (SEC-42)', () => {
  it('a burst of refreshes from one address is throttled', async () => {
    const burst = await startTestServer({ env: { ...LIMITS, RATE_LIMIT_REFRESH_IP: '3/60' } });
    try {
      const refresh = () => new TestClient(burst.graphqlUrl).post(JSON.stringify({ query: 'mutation { refreshToken(refreshToken: "gthr_unknown") { __typename } }' }));
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push(errorCode(await refresh()));
      expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    } finally {
      await burst.close();
    }
  });
});

describe('password-reset requests per target address (SEC-14, SEC-25)', () => {
  it('share one bucket however the address is written, and answer alike for unknown addresses', async () => {
    const { email } = await registerUser(server);
    const reset = (address: string) => new TestClient(server.graphqlUrl).request(RequestPasswordResetDocument, { email: address });
    expect((await reset(email)).data?.requestPasswordReset).toBe(true);
    expect(errorCode(await reset(`  ${email.toUpperCase()}`))).toBe('RATE_LIMITED');
    const nobody = uniqueEmail('nobody');
    expect((await reset(nobody)).data?.requestPasswordReset).toBe(true);
    expect(errorCode(await reset(nobody))).toBe('RATE_LIMITED');
  });
});

// Runs where a Redis is available (CI sets TEST_REDIS_URL to the machine's Redis).
describe.runIf(process.env.TEST_REDIS_URL)('with REDIS_URL the counters live in Redis', () => {
  it('and are shared by two instances', async () => {
    const env = { ...LIMITS, REDIS_URL: process.env.TEST_REDIS_URL!, RATE_LIMIT_REGISTER_IP: '2/60', RATE_LIMIT_KEY_PREFIX: `test-${randomUUID().slice(0, 8)}` };
    const a = await startTestServer({ env });
    const b = await startTestServer({ databaseUrl: a.databaseUrl, env });
    try {
      const register = (s: TestServer) => new TestClient(s.graphqlUrl).request(RegisterDocument, { input: { email: uniqueEmail('redis'), password: GOOD_PASSWORD } });
      const results = [await register(a), await register(b), await register(a)];
      expect(results.map((r) => r.data?.register?.__typename ?? errorCode(r))).toEqual(['AuthSuccess', 'AuthSuccess', 'RATE_LIMITED']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
