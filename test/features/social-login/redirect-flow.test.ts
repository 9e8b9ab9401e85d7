import { createHash, randomUUID } from 'node:crypto';
import { parse as parseSetCookie } from 'set-cookie-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, whoAmI } from '../../helpers/accounts';
import { Browser } from '../../helpers/browser';
import { TestClient } from '../../helpers/client';
import { startOidcProvider, type OidcTestProvider } from '../../helpers/oidc-provider';
import { freePort, sql, startTestServer, type TestServer } from '../../helpers/test-server';

const APP = 'https://app.example.com';
let provider: OidcTestProvider;
let server: TestServer;
/** The same flow with rate limits on: one social sign-in per address and minute. */
let limited: TestServer;
let publicUrl: string;
let limitedUrl: string;
beforeAll(async () => {
  const [port, limitedPort] = [await freePort(), await freePort()];
  publicUrl = `http://127.0.0.1:${port}`;
  limitedUrl = `http://127.0.0.1:${limitedPort}`;
  provider = await startOidcProvider([`${publicUrl}/auth/acme/callback`, `${limitedUrl}/auth/acme/callback`]);
  const env = (url: string, p: number) => ({
    PORT: String(p),
    PUBLIC_URL: url,
    FRONTEND_URL: APP,
    AUTH_RETURN_TO_URLS: `${APP},${APP}/dashboard`,
    OIDC_ALLOW_INSECURE: 'true',
    GATEHOUSE_OIDC_ACME_ISSUER: provider.issuer,
    GATEHOUSE_OIDC_ACME_CLIENT_ID: provider.clientId,
    GATEHOUSE_OIDC_ACME_CLIENT_SECRET: provider.clientSecret,
  });
  server = await startTestServer({ env: env(publicUrl, port) });
  limited = await startTestServer({ env: { ...env(limitedUrl, limitedPort), RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_SOCIAL_LOGIN_IP: '1/60' } });
});
afterAll(async () => {
  await server?.close();
  await limited?.close();
  await provider?.close();
});

function person() {
  const subject = randomUUID();
  const email = uniqueEmail('browser');
  provider.accounts.set(subject, { email, email_verified: true });
  provider.signInAs(subject);
  return { subject, email };
}

const atApp = (url: URL) => url.origin === APP;
const atCallback = (url: URL) => url.pathname === '/auth/acme/callback';

/** A GraphQL client carrying the session cookie the browser got from our host. */
function sessionOf(browser: Browser): TestClient {
  const client = new TestClient(server.graphqlUrl);
  for (const [name, value] of browser.jar('127.0.0.1')) if (name === 'gatehouse_session') client.cookies.set(name, value);
  return client;
}

describe('the browser redirect flow', () => {
  it('goes to the provider with PKCE, state and nonce in a signed short-lived cookie, and comes back signed in (SEC-45)', async () => {
    const { email } = person();
    const browser = new Browser();
    const first = await browser.navigate(`${publicUrl}/auth/acme?returnTo=${encodeURIComponent(`${APP}/dashboard`)}`, (u) => u.origin === provider.issuer);
    const authorize = first.url;
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')!.length).toBeGreaterThanOrEqual(22);
    expect(authorize.searchParams.get('nonce')!.length).toBeGreaterThanOrEqual(22);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${publicUrl}/auth/acme/callback`);

    const start = await fetch(`${publicUrl}/auth/acme`, { redirect: 'manual' });
    const [flowCookie] = parseSetCookie(start.headers.getSetCookie());
    expect(flowCookie).toMatchObject({ name: 'gatehouse_oauth', httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 600 });
    expect(decodeURIComponent(flowCookie!.value)).toMatch(/^s:/); // signed

    const done = await browser.navigate(authorize, atApp);
    expect(done.url.toString()).toBe(`${APP}/dashboard`);
    expect(await whoAmI(sessionOf(browser))).toBe(email);
    expect(browser.jar('127.0.0.1').has('gatehouse_oauth')).toBe(false); // used up
  });

  it('a callback without the flow cookie (another browser) ends on an error page without a session', async () => {
    person();
    const victim = new Browser();
    const atCb = await victim.navigate(`${publicUrl}/auth/acme`, atCallback);
    const attacker = new Browser();
    const result = await attacker.navigate(atCb.url, atApp);
    expect(result.response?.status).toBe(400);
    expect(await result.response?.text()).toMatch(/Sign-in failed/);
    expect(attacker.jar('127.0.0.1').has('gatehouse_session')).toBe(false);
  });

  it('a tampered state fails (SEC-45)', async () => {
    person();
    const browser = new Browser();
    const atCb = await browser.navigate(`${publicUrl}/auth/acme`, atCallback);
    atCb.url.searchParams.set('state', 'attacker-state');
    const result = await browser.navigate(atCb.url, atApp);
    expect(result.response?.status).toBe(400);
    expect(browser.jar('127.0.0.1').has('gatehouse_session')).toBe(false);
  });

  it('replaying the callback (with a copy of the flow cookie) fails: the code is spent (SEC-45)', async () => {
    person();
    const browser = new Browser();
    const atCb = await browser.navigate(`${publicUrl}/auth/acme`, atCallback);
    const copied = new Map(browser.jar('127.0.0.1'));
    expect((await browser.navigate(atCb.url, atApp)).url.origin).toBe(APP);

    const thief = new Browser();
    for (const [k, v] of copied) if (k === 'gatehouse_oauth') thief.jar('127.0.0.1').set(k, v);
    const replay = await thief.navigate(atCb.url, atApp);
    expect(replay.response?.status).toBe(400);
    expect(thief.jar('127.0.0.1').has('gatehouse_session')).toBe(false);
  });

  it('a copy of a spent flow cookie with a fresh code for the same state signs nobody in: the state is consumed server-side (SEC-45)', async () => {
    person();
    const browser = new Browser();
    const leaving = await browser.navigate(`${publicUrl}/auth/acme`, (u) => u.origin === provider.issuer);
    const copied = new Map(browser.jar('127.0.0.1'));
    expect((await browser.navigate(leaving.url, atApp)).url.origin).toBe(APP); // the genuine sign-in

    // The provider, asked again with the same authorization request, issues a fresh code for the same state.
    const thief = new Browser();
    for (const [k, v] of copied) if (k === 'gatehouse_oauth') thief.jar('127.0.0.1').set(k, v);
    const fresh = await thief.navigate(leaving.url, atCallback);
    expect(fresh.url.searchParams.get('state')).toBe(leaving.url.searchParams.get('state'));
    const replay = await thief.navigate(fresh.url, atApp);
    expect(replay.response?.status).toBe(400);
    expect(thief.jar('127.0.0.1').has('gatehouse_session')).toBe(false);
  });

  it('keeps the PKCE verifier and nonce out of the browser: the cookie holds only the state (SEC-45)', async () => {
    const start = await fetch(`${publicUrl}/auth/acme`, { redirect: 'manual' });
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const [flowCookie] = parseSetCookie(start.headers.getSetCookie());
    expect(decodeURIComponent(flowCookie!.value)).toMatch(new RegExp(`^s:${state}\\.`));
    const rows = await sql<{ state_hash: string }>(server, 'select state_hash from oauth_flows');
    expect(rows.map((r) => r.state_hash)).toContain(createHash('sha256').update(state).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(state);
  });

  it.each([
    'https://evil.com',
    '//evil.com',
    '/\\evil.com',
    'https://app.example.com.evil.com',
    'https://app.example.com@evil.com',
    'javascript:alert(1)',
    '%2F%2Fevil.com',
    'http://app.example.com',
    'https://app.example.com/dashboard/../admin',
  ])('refuses returnTo=%s before going anywhere (SEC-49)', async (returnTo) => {
    const response = await fetch(`${publicUrl}/auth/acme?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('counts against the same social sign-in rate limit as socialLogin (SEC-55)', async () => {
    const first = new Browser();
    person();
    expect((await first.navigate(`${limitedUrl}/auth/acme`, atApp)).url.origin).toBe(APP);
    const second = new Browser();
    person();
    const result = await second.navigate(`${limitedUrl}/auth/acme`, atApp);
    expect(result.response?.status).toBe(429);
    expect(await result.response?.text()).toMatch(/Too many attempts/);
    expect(second.jar('127.0.0.1').has('gatehouse_session')).toBe(false);
  });

  it('an unknown provider is a 404 page', async () => {
    const response = await fetch(`${publicUrl}/auth/nope`, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });
});
