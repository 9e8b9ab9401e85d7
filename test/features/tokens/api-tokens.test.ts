import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiTokenDocument, CredentialsDocument, LogoutDocument, MeDocument, ReauthenticateDocument, RevokeApiTokenDocument } from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, registerUser, type SignedIn, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server?.close());

const DAY = 24 * 60 * 60;
const withToken = (token: string, scheme = 'Bearer') => Object.assign(new TestClient(server.graphqlUrl), { authorization: `${scheme} ${token}` });

async function createToken(user: SignedIn, input: Partial<{ name: string; expiresAt: string; scopes: ('READ' | 'WRITE')[]; currentPassword: string }> = {}) {
  return user.client.request(CreateApiTokenDocument, { input: { name: 'CI', ...input } });
}

describe.each(credentialKinds)('API tokens, created by a %s session', (kind) => {
  it('are shown once, prefixed, 256-bit, hashed at rest, and sign requests in with Bearer or Token (SEC-43)', async () => {
    const user = await registerUser(server, kind);
    const response = await createToken(user, { name: 'deploy bot' });
    const created = response.data!.createApiToken;
    expect(created.token).toMatch(/^gthp_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken).toMatchObject({ name: 'deploy bot', prefix: created.token.slice(0, 11), scopes: ['READ', 'WRITE'], lastUsedAt: null });
    const stored = await sql<{ token_hash: string }>(server, 'select token_hash from api_tokens where id = ?', [created.apiToken.id]);
    expect(stored[0]!.token_hash).toBe(createHash('sha256').update(created.token).digest('hex'));

    expect(await whoAmI(withToken(created.token))).toBe(user.email);
    expect(await whoAmI(withToken(created.token, 'Token'))).toBe(user.email); // DRF style
  });

  it('expire by default after 90 days and never live longer than the maximum', async () => {
    const user = await registerUser(server, kind);
    const created = (await createToken(user)).data!.createApiToken;
    const lifetime = Date.parse(created.apiToken.expiresAt!) - clock.now().getTime();
    expect(Math.round(lifetime / 1000 / DAY)).toBe(90);
    const tooLong = await createToken(user, { expiresAt: new Date(clock.now().getTime() + 400 * DAY * 1000).toISOString() });
    expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
    const past = await createToken(user, { expiresAt: new Date(clock.now().getTime() - 1000).toISOString() });
    expect(errorCode(past)).toBe('BAD_USER_INPUT');

    const short = (await createToken(user, { expiresAt: new Date(clock.now().getTime() + DAY * 1000).toISOString() })).data!.createApiToken;
    expect(await whoAmI(withToken(short.token))).toBe(user.email);
    clock.advance(DAY + 1);
    expect(await whoAmI(withToken(short.token))).toBe('UNAUTHENTICATED');
  });

  it('need a sign-in within the last 5 minutes, or the password (SEC-33)', async () => {
    const user = await registerUser(server, kind);
    clock.advance(6 * 60);
    expect(errorCode(await createToken(user))).toBe('REAUTH_REQUIRED');
    expect(errorCode(await createToken(user, { currentPassword: 'wrong password!' }))).toBe('INVALID_CREDENTIALS');
    expect((await createToken(user, { currentPassword: GOOD_PASSWORD })).data?.createApiToken.token).toBeTruthy();

    expect(errorCode(await user.client.request(ReauthenticateDocument, { password: 'wrong password!' }))).toBe('INVALID_CREDENTIALS');
    expect((await user.client.request(ReauthenticateDocument, { password: GOOD_PASSWORD })).data?.reauthenticate).toBe(true);
    expect((await createToken(user)).data?.createApiToken.token).toBeTruthy();
  });
});

describe('API tokens', () => {
  it('a READ token may query but not mutate', async () => {
    const user = await registerUser(server);
    const created = (await createToken(user, { scopes: ['READ'] })).data!.createApiToken;
    const reader = withToken(created.token);
    expect(await whoAmI(reader)).toBe(user.email);
    const mutation = await reader.request(LogoutDocument, { everywhere: true });
    expect(errorCode(mutation)).toBe('INSUFFICIENT_SCOPE');
    expect(mutation.status).toBe(403);
    expect(await whoAmI(user.client)).toBe(user.email); // the logout did not happen
  });

  it('are never taken from the URL (SEC-43)', async () => {
    const user = await registerUser(server);
    const created = (await createToken(user)).data!.createApiToken;
    for (const param of ['token', 'access_token', 'api_token']) {
      const response = await fetch(`${server.graphqlUrl}?${param}=${created.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { email } }' }),
      });
      expect(await response.json()).toEqual({ data: { me: null } });
    }
  });

  it('revoked, fail at once; revoking another user’s token is NOT_FOUND and changes nothing (SEC-53)', async () => {
    const owner = await registerUser(server);
    const other = await registerUser(server);
    const created = (await createToken(owner)).data!.createApiToken;
    expect(errorCode(await other.client.request(RevokeApiTokenDocument, { id: created.apiToken.id }))).toBe('NOT_FOUND');
    expect(errorCode(await other.client.request(RevokeApiTokenDocument, { id: 'not-a-uuid' }))).toBe('NOT_FOUND');
    expect(await whoAmI(withToken(created.token))).toBe(owner.email);

    expect((await owner.client.request(RevokeApiTokenDocument, { id: created.apiToken.id })).data?.revokeApiToken).toBe(true);
    expect(await whoAmI(withToken(created.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await owner.client.request(RevokeApiTokenDocument, { id: created.apiToken.id }))).toBe('NOT_FOUND');
  });

  it('logout with an API token ends that token, and only it (SEC-30)', async () => {
    const owner = await registerUser(server);
    const created = (await createToken(owner)).data!.createApiToken;
    const client = withToken(created.token);
    expect((await client.request(LogoutDocument, {})).data?.logout).toBe(true);
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
    expect(await whoAmI(owner.client)).toBe(owner.email);
  });

  it('record when they were last used', async () => {
    const user = await registerUser(server);
    const created = (await createToken(user)).data!.createApiToken;
    await withToken(created.token).request(MeDocument);
    const listed = (await user.client.request(CredentialsDocument)).data!.credentials.find((c) => c.id === created.apiToken.id)!;
    expect(listed).toMatchObject({ kind: 'API_TOKEN', name: 'CI', scopes: ['READ', 'WRITE'] });
    expect(Date.parse(listed.lastUsedAt!)).toBe(clock.now().getTime());
  });

  it('stop working when the user is deactivated (SEC-32)', async () => {
    const user = await registerUser(server);
    const created = (await createToken(user)).data!.createApiToken;
    const client = withToken(created.token);
    expect(await whoAmI(client)).toBe(user.email); // the token and its user are now cached
    // Made in the database, the change reaches the server by NOTIFY at commit.
    await sql(server, 'update users set is_active = false where email = ?', [user.email]);
    await eventually(async () => expect(await whoAmI(client)).toBe('UNAUTHENTICATED'), 1000);
  });

  it('a name is required', async () => {
    const user = await registerUser(server);
    const response = await createToken(user, { name: '   ' });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.extensions?.field).toBe('name');
  });
});
