import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MeDocument, RegisterDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const client = () => new TestClient(server.graphqlUrl);
const register = (c: TestClient, input: { email: string; password: string; displayName?: string | null }) =>
  c.request(RegisterDocument, { input });
const countUsers = async (email: string) =>
  Number((await sql<{ n: string }>(server, 'select count(*) as n from users where email = ?', [email]))[0]!.n);

describe('register', () => {
  it('creates the user, signs in with a cookie, and me returns the user', async () => {
    const c = client();
    const email = uniqueEmail();
    const response = await register(c, { email, password: GOOD_PASSWORD, displayName: '  Ada Lovelace ' });

    const result = response.data?.register;
    expect(result?.__typename).toBe('AuthSuccess');
    if (result?.__typename !== 'AuthSuccess') return;
    expect(result.user).toMatchObject({ email, emailVerified: false, displayName: 'Ada Lovelace' });
    expect(result.session.credentialKind).toBe('COOKIE');
    expect(result.sessionToken).toBeNull();
    expect(result.accessToken).toBeNull();
    expect(response.setCookies.filter((c) => c.startsWith('gatehouse_session='))).toHaveLength(1);

    const me = await c.request(MeDocument);
    expect(me.data?.me).toEqual(result.user);
  });

  it('stores the email canonically: trimmed and lower-cased', async () => {
    const email = uniqueEmail();
    const { result } = await registerUser(server, 'COOKIE', `  ${email.toUpperCase()}\t`);
    expect(result.user.email).toBe(email);
  });

  it('stores an argon2id hash with the configured parameters, never the password (SEC-04)', async () => {
    const email = uniqueEmail();
    await registerUser(server, 'COOKIE', email);
    const [row] = await sql<{ password_hash: string }>(server, 'select password_hash from users where email = ?', [email]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$/);
    expect(row!.password_hash).not.toContain(GOOD_PASSWORD);
  });

  it('salts every hash: the same password gives two different hashes (SEC-04)', async () => {
    const [a, b] = [uniqueEmail(), uniqueEmail()];
    await registerUser(server, 'COOKIE', a);
    await registerUser(server, 'COOKIE', b);
    const rows = await sql<{ password_hash: string }>(server, 'select password_hash from users where email in (?, ?)', [a, b]);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
  });

  it('answers EMAIL_TAKEN for an address that exists, in any case', async () => {
    const email = uniqueEmail();
    await registerUser(server, 'COOKIE', email);
    const response = await register(client(), { email: email.toUpperCase(), password: GOOD_PASSWORD });
    expect(errorCode(response)).toBe('EMAIL_TAKEN');
    expect(response.errors?.[0]?.extensions?.field).toBe('email');
    expect(response.setCookies).toEqual([]);
    expect(await countUsers(email)).toBe(1);
  });

  it('lets exactly one of 25 racing registrations of one address win; the rest get EMAIL_TAKEN, never a 5xx', async () => {
    const email = uniqueEmail('race');
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => register(client(), { email, password: GOOD_PASSWORD })),
    );
    expect(responses.map((r) => r.status).every((s) => s === 200)).toBe(true);
    expect(responses.filter((r) => r.data?.register?.__typename === 'AuthSuccess')).toHaveLength(1);
    expect(responses.filter((r) => errorCode(r) === 'EMAIL_TAKEN')).toHaveLength(24);
    expect(await countUsers(email)).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['no @', 'not-an-email'],
    ['two addresses', 'a@example.com,b@example.com'],
    ['header injection', 'a@example.com\r\nBcc: x@evil.com'],
    ['dotless i look-alike', 'vıctim@example.com'],
    ['longer than 254', `${'a'.repeat(250)}@example.com`],
  ])('rejects an invalid email (%s) with BAD_USER_INPUT on field email', async (_label, email) => {
    const response = await register(client(), { email, password: GOOD_PASSWORD });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.extensions?.field).toBe('email');
  });

  it('rejects a 7-character password and accepts 8, 64 and 128 characters (SEC-01)', async () => {
    const short = await register(client(), { email: uniqueEmail(), password: 'a'.repeat(7) });
    expect(errorCode(short)).toBe('BAD_USER_INPUT');
    expect(short.errors?.[0]?.extensions?.field).toBe('password');
    for (const length of [8, 64, 128]) {
      const ok = await register(client(), { email: uniqueEmail(), password: 'b'.repeat(length) });
      expect(ok.data?.register?.__typename, `length ${length}`).toBe('AuthSuccess');
    }
  });

  it('rejects a 129-character password before hashing (SEC-01)', async () => {
    const hash = vi.spyOn(server.app.services.passwords, 'hash');
    try {
      const response = await register(client(), { email: uniqueEmail(), password: 'c'.repeat(129) });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.field).toBe('password');
      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
  });

  it('answers 413 to a body over 1 MiB, before any hashing (SEC-01, SEC-05)', async () => {
    const hash = vi.spyOn(server.app.services.passwords, 'hash');
    try {
      const body = JSON.stringify({
        query: 'mutation($input: RegisterInput!) { register(input: $input) { __typename } }',
        variables: { input: { email: uniqueEmail(), password: 'x'.repeat(1024 * 1024) } },
      });
      const response = await client().post(body);
      expect(response.status).toBe(413);
      expect(response.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
  });

  it('counts characters, not UTF-16 units: 8 emoji are a valid password, 7 are not (SEC-02)', async () => {
    const seven = await register(client(), { email: uniqueEmail(), password: '😀'.repeat(7) });
    expect(errorCode(seven)).toBe('BAD_USER_INPUT');
    const eight = await register(client(), { email: uniqueEmail(), password: '😀'.repeat(8) });
    expect(eight.data?.register?.__typename).toBe('AuthSuccess');
  });

  it('rejects fields a user may not choose, such as emailVerified or id (SEC-18)', async () => {
    const email = uniqueEmail();
    const body = JSON.stringify({
      query: 'mutation($input: RegisterInput!) { register(input: $input) { __typename } }',
      variables: { input: { email, password: GOOD_PASSWORD, emailVerified: true, id: '00000000-0000-0000-0000-000000000000' } },
    });
    const response = await client().post(body);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(await countUsers(email)).toBe(0);
  });

  it('rejects a display name with control characters', async () => {
    const response = await register(client(), { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: 'Eve\r\nBcc: x' });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.extensions?.field).toBe('displayName');
  });

  it.each([
    ['a right-to-left override', 'Eve\u202Egnp.exe'],
    ['a bidi isolate', 'Eve\u2066admin\u2069'],
    ['a zero-width space', 'ad\u200Bmin'],
    ['a zero-width joiner outside an emoji', 'ad\u200Dmin'],
    ['a byte-order mark inside', 'ad\uFEFFmin'],
  ])('rejects a display name with %s (SEC-68)', async (_label, displayName) => {
    const email = uniqueEmail();
    const response = await register(client(), { email, password: GOOD_PASSWORD, displayName });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.extensions?.field).toBe('displayName');
    expect(await countUsers(email)).toBe(0);
  });

  it('accepts display names in any script, and emoji built with joiners (SEC-68)', async () => {
    for (const displayName of ['Zoë Ōkubo', '名前', 'محمد', '👩\u200D💻 dev']) {
      const response = await register(client(), { email: uniqueEmail(), password: GOOD_PASSWORD, displayName });
      expect(response.data?.register, displayName).toMatchObject({ __typename: 'AuthSuccess', user: { displayName } });
    }
  });

  it('rejects an address whose local part is longer than 64 characters (RFC 5321, SEC-68)', async () => {
    const at64 = `${'a'.repeat(64)}@example.com`;
    const at65 = `${'a'.repeat(65)}@example.com`;
    expect(errorCode(await register(client(), { email: at65, password: GOOD_PASSWORD }))).toBe('BAD_USER_INPUT');
    expect(await countUsers(at65)).toBe(0);
    expect((await register(client(), { email: at64, password: GOOD_PASSWORD })).data?.register?.__typename).toBe('AuthSuccess');
  });
});
