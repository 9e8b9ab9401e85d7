import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginDocument, MeDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from '../../helpers/accounts';
import { errorCode, type GraphQLResponse, TestClient } from '../../helpers/client';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const login = (email: string, password: string, c = new TestClient(server.graphqlUrl)) =>
  c.request(LoginDocument, { input: { email, password } });

/** Everything a client can observe of a response except the Date header. */
function observable(response: GraphQLResponse<unknown>) {
  const headers = [...response.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id'); // per response by design
  return { status: response.status, text: response.text, headers };
}

describe('login', () => {
  it('signs in with the right password and sets a new session cookie', async () => {
    const { email } = await registerUser(server);
    const c = new TestClient(server.graphqlUrl);
    const response = await login(email, GOOD_PASSWORD, c);
    expect(response.data?.login?.__typename).toBe('AuthSuccess');
    expect(response.setCookies.filter((c) => c.startsWith('gatehouse_session='))).toHaveLength(1);
    expect((await c.request(MeDocument)).data?.me?.email).toBe(email);
  });

  it('accepts the email in any case and with surrounding spaces', async () => {
    const { email } = await registerUser(server);
    const response = await login(` ${email.toUpperCase()} `, GOOD_PASSWORD);
    expect(response.data?.login?.__typename).toBe('AuthSuccess');
  });

  it('records the time of every sign-in, registration included', async () => {
    const { email } = await registerUser(server);
    const lastLogin = async () =>
      (await sql<{ last_login_at: string | null }>(server, 'select last_login_at from users where email = ?', [email]))[0]!.last_login_at;
    expect(Math.abs(Date.parse((await lastLogin())!) - Date.now())).toBeLessThan(60_000);
    await sql(server, `update users set last_login_at = '2020-01-01T00:00:00Z' where email = ?`, [email]);
    await login(email, GOOD_PASSWORD);
    expect(Math.abs(Date.parse((await lastLogin())!) - Date.now())).toBeLessThan(60_000);
  });

  it('verifies the password exactly as typed: no trimming, no case folding, no truncation (SEC-02)', async () => {
    const password = '  Pässwörd 😀 lang  ';
    const { email } = await registerUser(server, 'COOKIE', uniqueEmail(), password);
    for (const wrong of [password.trim(), password.toLowerCase(), password.slice(0, -1), password.normalize('NFD')]) {
      expect(errorCode(await login(email, wrong)), JSON.stringify(wrong)).toBe('INVALID_CREDENTIALS');
    }
    expect((await login(email, password)).data?.login?.__typename).toBe('AuthSuccess');
  });

  it('answers unknown email, wrong password, deactivated and password-less accounts identically (SEC-08)', async () => {
    const known = await registerUser(server);
    const disabled = await registerUser(server);
    await sql(server, 'update users set is_active = false where email = ?', [disabled.email]);
    const socialOnly = uniqueEmail('social');
    await sql(
      server,
      `insert into users (id, email, password_hash, created_at, updated_at) values (gen_random_uuid(), ?, null, now(), now())`,
      [socialOnly],
    );

    const responses = [
      await login(uniqueEmail('nobody'), GOOD_PASSWORD),
      await login(known.email, 'wrong password!'),
      await login(disabled.email, GOOD_PASSWORD), // the right password of a deactivated account
      await login(socialOnly, GOOD_PASSWORD),
    ];
    expect(errorCode(responses[0]!)).toBe('INVALID_CREDENTIALS');
    expect(responses[0]!.setCookies).toEqual([]);
    for (const response of responses.slice(1)) expect(observable(response)).toEqual(observable(responses[0]!));
  });

  it('spends exactly one argon2 verification whether or not the account exists (SEC-09)', async () => {
    const { email } = await registerUser(server);
    const verify = vi.spyOn(server.app.services.passwords, 'verify');
    try {
      await login(uniqueEmail('nobody'), GOOD_PASSWORD);
      expect(verify).toHaveBeenCalledTimes(1);
      verify.mockClear();
      await login(email, 'wrong password!');
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  it('rejects a password over 128 characters without hashing it (SEC-01)', async () => {
    const verify = vi.spyOn(server.app.services.passwords, 'verify');
    try {
      const response = await login(uniqueEmail(), 'p'.repeat(129));
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  it('upgrades a stored hash to the configured parameters at the next login (SEC-04)', async () => {
    const { email } = await registerUser(server);
    const stronger = await startTestServer({
      databaseUrl: server.databaseUrl,
      env: { PASSWORD_HASH_MEMORY_KIB: '2048', PASSWORD_HASH_ITERATIONS: '2' },
    });
    try {
      const response = await new TestClient(stronger.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
      expect(response.data?.login?.__typename).toBe('AuthSuccess');
      const [row] = await sql<{ password_hash: string }>(server, 'select password_hash from users where email = ?', [email]);
      expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=2048,t=2,p=1\$/);
      // and the upgraded hash still verifies
      expect((await login(email, GOOD_PASSWORD)).data?.login?.__typename).toBe('AuthSuccess');
    } finally {
      await stronger.close();
    }
  });

  it('does not leak which part was wrong in the message', async () => {
    const response = await login(uniqueEmail(), GOOD_PASSWORD);
    expect(response.errors?.[0]?.message).toBe('Invalid email or password.');
  });
});
