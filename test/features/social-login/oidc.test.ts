import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthProvidersDocument, LinkSocialAccountDocument, LoginDocument, RegisterDocument, SocialAccountsDocument, SocialLoginDocument, UnlinkSocialAccountDocument } from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, registerUser, whoAmI, adopt, uniqueEmail } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { startOidcProvider, type OidcTestProvider } from '../../helpers/oidc-provider';
import { authorizeAsSpa, SPA_REDIRECT_URI } from '../../helpers/social';
import { sql, freePort, startTestServer, type TestServer } from '../../helpers/test-server';

let provider: OidcTestProvider;
let server: TestServer;
beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider([`${publicUrl}/auth/acme/callback`, SPA_REDIRECT_URI]);
  server = await startTestServer({
    env: {
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      FRONTEND_URL: 'https://app.example.com',
      AUTH_RETURN_TO_URLS: 'https://app.example.com,https://app.example.com/dashboard',
      OIDC_ALLOW_INSECURE: 'true',
      GATEHOUSE_OIDC_ACME_ISSUER: provider.issuer,
      GATEHOUSE_OIDC_ACME_CLIENT_ID: provider.clientId,
      GATEHOUSE_OIDC_ACME_CLIENT_SECRET: provider.clientSecret,
      GATEHOUSE_OIDC_ACME_NAME: 'Acme ID',
    },
  });
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
});

/** A person with an account at the provider. */
function person(claims: { email?: string; email_verified?: boolean; name?: string } = {}) {
  const subject = randomUUID();
  const email = claims.email ?? uniqueEmail('social');
  provider.accounts.set(subject, { email, email_verified: true, name: 'Ada Social', ...claims });
  return { subject, email };
}

const anonymous = () => new TestClient(server.graphqlUrl);
async function socialLogin(subject: string, kind: 'COOKIE' | 'SESSION_TOKEN' | 'JWT' = 'COOKIE', client = anonymous()) {
  const authorization = await authorizeAsSpa(provider, subject);
  const response = await client.request(SocialLoginDocument, { input: { provider: 'acme', ...authorization, credentials: kind } });
  const result = response.data?.socialLogin;
  if (result?.__typename === 'AuthSuccess') adopt(client, result, kind);
  return { response, client, result };
}

describe('authProviders', () => {
  it('lists what a login page needs', async () => {
    const response = await anonymous().request(AuthProvidersDocument);
    expect(response.data?.authProviders).toEqual([{ id: 'acme', displayName: 'Acme ID', kind: 'OIDC' }]);
  });
});

describe.each(credentialKinds)('socialLogin with code and PKCE, as %s', (kind) => {
  it('creates the user on first sign-in (verified as the provider says) and finds them again', async () => {
    const { subject, email } = person();
    const first = await socialLogin(subject, kind);
    expect(first.result?.__typename).toBe('AuthSuccess');
    if (first.result?.__typename !== 'AuthSuccess') return;
    expect(first.result.user).toMatchObject({ email, emailVerified: true, displayName: 'Ada Social' });
    expect(await whoAmI(first.client)).toBe(email);

    const again = await socialLogin(subject, kind);
    expect(again.result?.__typename === 'AuthSuccess' && again.result.user.id).toBe(first.result.user.id);
  });
});

describe('socialLogin failures', () => {
  it('a wrong PKCE verifier fails and creates nobody', async () => {
    const { subject, email } = person();
    const authorization = await authorizeAsSpa(provider, subject);
    const response = await anonymous().request(SocialLoginDocument, { input: { provider: 'acme', ...authorization, codeVerifier: 'x'.repeat(43) } });
    expect(errorCode(response)).toBe('SOCIAL_LOGIN_FAILED');
    expect(await sql(server, 'select 1 from users where email = ?', [email])).toEqual([]);
  });

  it('a code works once (SEC-45)', async () => {
    const { subject } = person();
    const authorization = await authorizeAsSpa(provider, subject);
    const input = { provider: 'acme', ...authorization };
    expect((await anonymous().request(SocialLoginDocument, { input })).data?.socialLogin?.__typename).toBe('AuthSuccess');
    expect(errorCode(await anonymous().request(SocialLoginDocument, { input }))).toBe('SOCIAL_LOGIN_FAILED');
  });

  it('an authorization response naming another issuer fails (RFC 9207 mix-up defence, SEC-47)', async () => {
    const { subject } = person();
    const authorization = await authorizeAsSpa(provider, subject);
    const response = await anonymous().request(SocialLoginDocument, { input: { provider: 'acme', ...authorization, iss: 'https://evil.example' } });
    expect(errorCode(response)).toBe('SOCIAL_LOGIN_FAILED');
  });

  it('a wrong nonce fails (SEC-46)', async () => {
    const { subject } = person();
    const authorization = await authorizeAsSpa(provider, subject);
    const response = await anonymous().request(SocialLoginDocument, { input: { provider: 'acme', ...authorization, nonce: 'another-nonce' } });
    expect(errorCode(response)).toBe('SOCIAL_LOGIN_FAILED');
  });

  it.each(['https://app.example.com/auth/callback/', 'https://app.example.com/auth/callback?x=1', 'https://evil.example/auth/callback', 'http://app.example.com/auth/callback'])(
    'a redirect URI off the exact allow-list (%s) is refused before any exchange',
    async (redirectUri) => {
      const response = await anonymous().request(SocialLoginDocument, { input: { provider: 'acme', code: 'c', codeVerifier: 'v', redirectUri } });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.field).toBe('redirectUri');
    },
  );

  it('an unknown provider is BAD_USER_INPUT', async () => {
    const response = await anonymous().request(SocialLoginDocument, { input: { provider: 'nope', idToken: 'x' } });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'provider' });
  });
});

describe('socialLogin with an ID token from a native SDK (SEC-46)', () => {
  it('accepts a valid token with its nonce', async () => {
    const { subject, email } = person();
    const idToken = await provider.issueIdToken({ sub: subject, email, email_verified: true, nonce: 'n-1' });
    const response = await anonymous().request(SocialLoginDocument, { input: { provider: 'acme', idToken, nonce: 'n-1' } });
    expect(response.data?.socialLogin).toMatchObject({ __typename: 'AuthSuccess', user: { email } });
  });

  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  it.each<[string, () => Promise<string>, string | undefined]>([
    ['signed by another key', async () => {
      const jose = await import('jose');
      return new jose.SignJWT({ iss: provider.issuer, aud: provider.clientId, sub: 's', email: 'x@example.com', email_verified: true })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).setIssuedAt().setExpirationTime('5m').sign(attacker);
    }, undefined],
    ['for another audience', () => provider.issueIdToken({ sub: 's', aud: 'another-client' }), undefined],
    ['from another issuer', () => provider.issueIdToken({ sub: 's', iss: 'https://accounts.google.com' }), undefined],
    ['expired', () => provider.issueIdToken({ sub: 's', iat: 1_600_000_000, exp: 1_600_000_300 }), undefined],
    ['with another nonce', () => provider.issueIdToken({ sub: 's', nonce: 'theirs' }), 'mine'],
    ['carrying a nonce the app did not send', () => provider.issueIdToken({ sub: 's', nonce: 'theirs' }), undefined],
    ['alg none', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${b64({ alg: 'none' })}.${b64({ iss: provider.issuer, aud: provider.clientId, sub: 's', exp: 9_999_999_999, iat: 1 })}.`;
    }, undefined],
    ['tampered', async () => {
      const [h, , s] = (await provider.issueIdToken({ sub: 's' })).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ iss: provider.issuer, aud: provider.clientId, sub: 'victim', exp: 9_999_999_999 })).toString('base64url')}.${s}`;
    }, undefined],
  ])('refuses a token %s', async (_label, make, nonce) => {
    const response = await anonymous().request(SocialLoginDocument, { input: { provider: 'acme', idToken: await make(), nonce } });
    expect(errorCode(response)).toBe('SOCIAL_LOGIN_FAILED');
  });
});

describe('identity and linking', () => {
  it('links to a verified local account when the provider asserts the same verified address', async () => {
    const local = await registerUser(server);
    await sql(server, 'update users set email_verified_at = now() where email = ?', [local.email]);
    const { subject } = person({ email: local.email });
    const { result } = await socialLogin(subject);
    expect(result?.__typename === 'AuthSuccess' && result.user.id).toBe(local.result.user.id);
    expect(await whoAmI(local.client)).toBe(local.email); // the owner's own sessions are untouched
  });

  it('does not sign in as a local account when the provider does not vouch for the address (SEC-47)', async () => {
    const victim = await registerUser(server);
    await sql(server, 'update users set email_verified_at = now() where email = ?', [victim.email]);
    const { subject } = person({ email: victim.email, email_verified: false });
    const { response } = await socialLogin(subject);
    expect(errorCode(response)).toBe('SOCIAL_EMAIL_IN_USE');
    expect(response.setCookies).toEqual([]);
  });

  it('pre-account takeover fails: the verified owner gets the account; the squatter’s password and sessions die (SEC-48)', async () => {
    const email = uniqueEmail('victim');
    const squatter = await registerUser(server, 'COOKIE', email, 'squatters password');
    const { subject } = person({ email });
    const { result } = await socialLogin(subject);
    expect(result?.__typename === 'AuthSuccess' && result.user).toMatchObject({ id: squatter.result.user.id, emailVerified: true });
    const login = await anonymous().request(LoginDocument, { input: { email, password: 'squatters password' } });
    expect(errorCode(login)).toBe('INVALID_CREDENTIALS');
    expect(await whoAmI(squatter.client)).toBe('UNAUTHENTICATED');
  });

  it('a signed-in user links and lists an identity; another user cannot link it too', async () => {
    const me = await registerUser(server);
    const { subject } = person({ email: uniqueEmail('other-address') });
    const authorization = await authorizeAsSpa(provider, subject);
    const linked = await me.client.request(LinkSocialAccountDocument, { input: { provider: 'acme', ...authorization } });
    expect(linked.data?.linkSocialAccount).toMatchObject({ provider: 'acme' });
    expect((await me.client.request(SocialAccountsDocument)).data?.socialAccounts).toHaveLength(1);
    // now the identity signs in as me
    const { result } = await socialLogin(subject);
    expect(result?.__typename === 'AuthSuccess' && result.user.id).toBe(me.result.user.id);

    const stranger = await registerUser(server);
    const again = await authorizeAsSpa(provider, subject);
    expect(errorCode(await stranger.client.request(LinkSocialAccountDocument, { input: { provider: 'acme', ...again } }))).toBe('SOCIAL_ACCOUNT_TAKEN');
  });

  it('unlinking the last way to sign in is refused; with a password it is allowed', async () => {
    const { subject } = person();
    const { client } = await socialLogin(subject);
    const [account] = (await client.request(SocialAccountsDocument)).data!.socialAccounts;
    expect(errorCode(await client.request(UnlinkSocialAccountDocument, { id: account!.id }))).toBe('LAST_SIGN_IN_METHOD');

    const withPassword = await registerUser(server);
    const other = person({ email: uniqueEmail('second') });
    await withPassword.client.request(LinkSocialAccountDocument, { input: { provider: 'acme', ...(await authorizeAsSpa(provider, other.subject)) } });
    const [linked] = (await withPassword.client.request(SocialAccountsDocument)).data!.socialAccounts;
    expect((await withPassword.client.request(UnlinkSocialAccountDocument, { id: linked!.id })).data?.unlinkSocialAccount).toBe(true);
    expect(errorCode(await withPassword.client.request(UnlinkSocialAccountDocument, { id: linked!.id }))).toBe('NOT_FOUND');
    // found by the fuzzer: an id that is not a UUID must not reach the uuid column
    expect(errorCode(await withPassword.client.request(UnlinkSocialAccountDocument, { id: 'constructor' }))).toBe('NOT_FOUND');
  });

  it('racing unlinks of every identity of a password-less user leave exactly one (SEC-62)', async () => {
    const { subject } = person();
    const { client, result } = await socialLogin(subject);
    const userId = result?.__typename === 'AuthSuccess' ? result.user.id : '';
    for (let i = 0; i < 7; i++) {
      await sql(server, `insert into social_accounts (id, user_id, provider, issuer, subject, created_at, last_used_at) values (?, ?, 'acme', ?, ?, now(), now())`, [randomUUID(), userId, provider.issuer, randomUUID()]);
    }
    const accounts = (await client.request(SocialAccountsDocument)).data!.socialAccounts;
    expect(accounts).toHaveLength(8);
    const outcomes = await Promise.all(accounts.map((a) => client.request(UnlinkSocialAccountDocument, { id: a.id })));
    expect(outcomes.filter((o) => o.data?.unlinkSocialAccount === true)).toHaveLength(7);
    expect(outcomes.filter((o) => errorCode(o) === 'LAST_SIGN_IN_METHOD')).toHaveLength(1);
    expect((await client.request(SocialAccountsDocument)).data!.socialAccounts).toHaveLength(1);
  });

  it('a user created by a provider has no password: password login fails as for anyone', async () => {
    const { subject, email } = person();
    await socialLogin(subject);
    const response = await anonymous().request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(errorCode(response)).toBe('INVALID_CREDENTIALS');
    const register = await anonymous().request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(errorCode(register)).toBe('EMAIL_TAKEN');
  });

  it('provider tokens are never part of the API (SEC-50)', async () => {
    const response = await anonymous().post(JSON.stringify({ query: '{ __type(name: "SocialAccount") { fields { name } } }' }));
    const fields = (response.data as { __type: { fields: { name: string }[] } }).__type.fields.map((f) => f.name);
    expect(fields.sort()).toEqual(['createdAt', 'email', 'id', 'lastUsedAt', 'provider']);
  });
});
