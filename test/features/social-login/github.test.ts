import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthProvidersDocument, SocialLoginDocument } from '../../generated/graphql';
import { uniqueEmail, whoAmI } from '../../helpers/accounts';
import { Browser } from '../../helpers/browser';
import { errorCode, TestClient } from '../../helpers/client';
import { type FakeGitHub, type GitHubUser, startFakeGitHub } from '../../helpers/github';
import { calculatePKCECodeChallenge, randomPKCECodeVerifier, randomState } from '../../helpers/oauth';
import { SPA_REDIRECT_URI } from '../../helpers/social';
import { freePort, startTestServer, type TestServer } from '../../helpers/test-server';

const APP = 'https://app.example.com';
let github: FakeGitHub;
let server: TestServer;
let publicUrl: string;
let nextId = 1000;
beforeAll(async () => {
  github = await startFakeGitHub();
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  server = await startTestServer({
    env: {
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      FRONTEND_URL: APP,
      OIDC_ALLOW_INSECURE: 'true',
      GITHUB_CLIENT_ID: github.clientId,
      GITHUB_CLIENT_SECRET: github.clientSecret,
      GITHUB_URL: github.url,
      GITHUB_API_URL: github.apiUrl,
    },
  });
});
afterAll(async () => {
  await server?.close();
  await github?.close();
});

function gitHubUser(emails: GitHubUser['emails'] = [{ email: uniqueEmail('octo'), primary: true, verified: true }]): GitHubUser {
  const user = { id: nextId++, login: `octo${nextId}`, name: 'Mona Octocat', emails };
  github.signInAs(user);
  return user;
}

/** What an SPA does: authorize at GitHub with PKCE and read the code from the redirect. */
async function authorize() {
  const codeVerifier = randomPKCECodeVerifier();
  const url = new URL('/login/oauth/authorize', github.url);
  url.search = new URLSearchParams({
    client_id: github.clientId,
    redirect_uri: SPA_REDIRECT_URI,
    scope: 'read:user user:email',
    state: randomState(),
    code_challenge: calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  const { url: landed } = await new Browser().navigate(url, (u) => u.href.startsWith(SPA_REDIRECT_URI));
  return { code: landed.searchParams.get('code')!, codeVerifier, redirectUri: SPA_REDIRECT_URI };
}

const socialLogin = async (input: { code: string; codeVerifier: string; redirectUri: string }) =>
  new TestClient(server.graphqlUrl).request(SocialLoginDocument, { input: { provider: 'github', ...input } });

describe('GitHub sign-in', () => {
  it('is listed as an OAuth 2.0 provider', async () => {
    const response = await new TestClient(server.graphqlUrl).request(AuthProvidersDocument);
    expect(response.data?.authProviders).toEqual([{ id: 'github', displayName: 'GitHub', kind: 'OAUTH2' }]);
  });

  it('signs in by the numeric GitHub id, with the primary verified address', async () => {
    const user = gitHubUser([
      { email: uniqueEmail('unverified'), primary: false, verified: false },
      { email: uniqueEmail('primary'), primary: true, verified: true },
    ]);
    const first = await socialLogin(await authorize());
    expect(first.data?.socialLogin).toMatchObject({ __typename: 'AuthSuccess', user: { email: user.emails[1]!.email, emailVerified: true, displayName: 'Mona Octocat' } });
    // the same GitHub account comes back as the same user, even with another address now
    github.signInAs({ ...user, emails: [{ email: uniqueEmail('changed'), primary: true, verified: true }] });
    const again = await socialLogin(await authorize());
    const ids = [first, again].map((r) => (r.data?.socialLogin?.__typename === 'AuthSuccess' ? r.data.socialLogin.user.id : null));
    expect(ids[1]).toBe(ids[0]);
  });

  it('refuses an account without a verified address', async () => {
    gitHubUser([{ email: uniqueEmail('nope'), primary: true, verified: false }]);
    expect(errorCode(await socialLogin(await authorize()))).toBe('PROVIDER_EMAIL_REQUIRED');
  });

  it('a wrong verifier or a reused code fails', async () => {
    gitHubUser();
    const authorization = await authorize();
    expect(errorCode(await socialLogin({ ...authorization, codeVerifier: 'x'.repeat(43) }))).toBe('SOCIAL_LOGIN_FAILED');
    expect(errorCode(await socialLogin(authorization))).toBe('SOCIAL_LOGIN_FAILED'); // spent by the failed try
  });

  it('works as a browser redirect flow', async () => {
    const user = gitHubUser();
    const browser = new Browser();
    const done = await browser.navigate(`${publicUrl}/auth/github`, (u) => u.origin === APP);
    expect(done.url.origin).toBe(APP);
    const client = new TestClient(server.graphqlUrl);
    client.cookies.set('gatehouse_session', browser.jar('127.0.0.1').get('gatehouse_session')!);
    expect(await whoAmI(client)).toBe(user.emails[0]!.email);
  });

  it('an ID token is not something GitHub issues', async () => {
    const response = await new TestClient(server.graphqlUrl).request(SocialLoginDocument, { input: { provider: 'github', idToken: 'x.y.z' } });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idToken' });
  });
});
