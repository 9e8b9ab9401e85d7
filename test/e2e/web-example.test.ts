import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, uniqueEmail } from '../helpers/accounts';
import { hasChromium, launchChromium } from '../helpers/chromium';
import { FakeClock } from '../helpers/clock';
import { Mailbox } from '../helpers/mailbox';
import { totpCode } from '../helpers/mfa';
import { type OidcTestProvider, startOidcProvider } from '../helpers/oidc-provider';
import { freePort, startTestServer, type TestServer } from '../helpers/test-server';
import { startWebExample, type WebExample } from '../helpers/web-example';

/**
 * examples/web, built by Vite and served on its own origin, against a real Gatehouse, a real SMTP
 * listener and a real OpenID Connect provider, in headless Chromium: every screen, the way a user
 * goes through it. The app is another origin than the API (same site, as a frontend team runs it),
 * so each step also proves CORS and the session cookie.
 */
const available = hasChromium();
const clock = new FakeClock();
const NEW_PASSWORD = 'another fine passphrase';
let server: TestServer;
let mailbox: Mailbox;
let provider: OidcTestProvider;
let web: WebExample & { serveAlso(host: string, port: number): Promise<WebExample> };
/** The app opened at http://127.0.0.1 (another site than the API's localhost): allowed by CORS, so only SameSite is in the way. */
let otherSitePort: number;
const serverLog: string[] = [];
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  const [apiPort, webPort] = [await freePort(), await freePort()];
  otherSitePort = await freePort();
  const api = `http://localhost:${apiPort}`;
  const frontend = `http://localhost:${webPort}`;
  mailbox = await new Mailbox().start();
  provider = await startOidcProvider([`${api}/auth/acme/callback`]);
  server = await startTestServer({
    clock,
    logDestination: { write: (line: string) => void serverLog.push(line) },
    env: {
      HOST: 'localhost',
      PORT: String(apiPort),
      PUBLIC_URL: api,
      FRONTEND_URL: frontend,
      CORS_ORIGINS: `${frontend},http://127.0.0.1:${otherSitePort}`,
      LOG_LEVEL: 'warn',
      SMTP_URL: mailbox.url,
      EMAIL_SIGN_IN_ENABLED: 'true',
      OIDC_ALLOW_INSECURE: 'true',
      GATEHOUSE_OIDC_ACME_ISSUER: provider.issuer,
      GATEHOUSE_OIDC_ACME_CLIENT_ID: provider.clientId,
      GATEHOUSE_OIDC_ACME_CLIENT_SECRET: provider.clientSecret,
      GATEHOUSE_OIDC_ACME_NAME: 'Acme ID',
      // The lockout (and its unlock mail) is on; the per-address limits are out of the way.
      RATE_LIMITS_ENABLED: 'true',
      RATE_LIMIT_LOGIN_IP: '1000/60',
      RATE_LIMIT_LOGIN_FAILED_IP: '1000/60',
      RATE_LIMIT_REGISTER_IP: '1000/60',
      RATE_LIMIT_PASSWORD_RESET_IP: '1000/60',
      RATE_LIMIT_SIGN_IN_EMAIL_IP: '1000/60',
      RATE_LIMIT_VERIFICATION_IP: '1000/60',
      RATE_LIMIT_LOGIN_FAILED_ACCOUNT: '3/300',
    },
  });
  web = await startWebExample(webPort, `${api}/graphql`);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await server?.close();
  await provider?.close();
  await mailbox?.close();
});

/** A platform authenticator (DevTools' virtual one) that holds passkeys and consents by itself. */
const AUTHENTICATOR = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } as const;

/** The DevTools virtual authenticator in `tab`; returns what it holds, to copy into another browser (a synced passkey). */
async function addAuthenticator(context: BrowserContext, tab: Page): Promise<{ passkeys: () => Promise<unknown[]>; add: (credentials: unknown[]) => Promise<void> }> {
  const cdp = await context.newCDPSession(tab);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR });
  return {
    passkeys: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    add: async (credentials) => {
      for (const credential of credentials) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credential as never });
    },
  };
}

async function deviceWithAuthenticator() {
  const { context, tab } = await device();
  return { tab, ...(await addAuthenticator(context, tab)) };
}

/**
 * A browser holding these (synced) passkeys whose autofill offers none (as in a browser without
 * conditional UI): the sign-in page's autofill request would otherwise answer before any button.
 */
async function browserWithPasskeys(credentials: unknown[]): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    (globalThis as unknown as { PublicKeyCredential: { isConditionalMediationAvailable(): Promise<boolean> } }).PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
  const tab = await context.newPage();
  tab.setDefaultTimeout(10_000);
  await (await addAuthenticator(context, tab)).add(credentials);
  return tab;
}

/** A new browser profile (another device), on the app. */
async function device(path = '/'): Promise<{ context: BrowserContext; tab: Page }> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  tab.setDefaultTimeout(10_000);
  await tab.goto(`${web.url}${path}`);
  return { context, tab };
}

async function signUp(tab: Page, email = uniqueEmail('web')): Promise<string> {
  await tab.goto(`${web.url}/sign-up`);
  await tab.getByLabel('Email', { exact: true }).fill(email);
  await tab.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
  await tab.getByRole('button', { name: 'Create account' }).click();
  await expectSignedInAs(tab, email);
  return email;
}

async function signIn(tab: Page, email: string, password = GOOD_PASSWORD): Promise<void> {
  await tab.goto(`${web.url}/sign-in`);
  await tab.getByLabel('Email', { exact: true }).fill(email);
  await tab.getByLabel('Password', { exact: true }).fill(password);
  await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function expectSignedInAs(tab: Page, email: string): Promise<void> {
  await tab.getByTestId('me-email').filter({ hasText: email }).waitFor();
}

async function expectSignedOut(tab: Page): Promise<void> {
  await tab.goto(`${web.url}/`);
  await tab.getByText('You are not signed in.').waitFor();
}

/** Opens the link of the latest mail to `to` whose subject matches, in `tab`. */
async function followMail(tab: Page, to: string, subject: RegExp, n = 1): Promise<void> {
  const mail = await mailbox.waitFor(to, subject, n);
  expect(mail.link?.origin).toBe(web.url);
  await tab.goto(mail.link!.toString());
}

async function alertCode(tab: Page): Promise<string | null> {
  return tab.getByRole('alert').getAttribute('data-code');
}

describe.skipIf(!available)('examples/web in headless Chromium', () => {
  it('signs up, shows who I am, lists my devices and signs one out, signs out and back in with the password', async () => {
    const { tab } = await device();
    const email = await signUp(tab);
    const other = await device();
    await signIn(other.tab, email);
    await expectSignedInAs(other.tab, email);

    await tab.goto(`${web.url}/account`);
    await expect.poll(() => tab.getByTestId('credential').count(), { timeout: 10_000 }).toBe(2);
    await tab.getByRole('button', { name: 'Sign out this device' }).click();
    await expect.poll(() => tab.getByTestId('credential').count(), { timeout: 10_000 }).toBe(1);
    await other.tab.reload();
    await other.tab.getByText('You are not signed in.').waitFor(); // that device's cookie no longer works

    await tab.goto(`${web.url}/`);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByText('You are not signed in.').waitFor();
    await signIn(tab, email);
    await expectSignedInAs(tab, email);
  });

  it('shows errors by their code: wrong passwords are INVALID_CREDENTIALS, then RATE_LIMITED; the mailed unlock link opens the account again', async () => {
    const { tab } = await device();
    const email = await signUp(tab);
    // A stranger's browser: the owner's own device is never locked out (SEC-61).
    const stranger = await device();
    for (let i = 0; i < 3; i++) {
      await signIn(stranger.tab, email, `not the password ${i}`);
      await stranger.tab.getByRole('alert').waitFor();
      expect(await alertCode(stranger.tab)).toBe('INVALID_CREDENTIALS');
    }
    await signIn(stranger.tab, email);
    await stranger.tab.getByRole('alert').waitFor();
    expect(await alertCode(stranger.tab)).toBe('RATE_LIMITED'); // locked: the right password too
    await followMail(tab, email, /was locked after failed sign-ins/);
    await tab.getByRole('button', { name: 'Unlock my account' }).click();
    await tab.getByText('Your account is unlocked.').waitFor();
    await signIn(stranger.tab, email);
    await expectSignedInAs(stranger.tab, email);
  });

  it('/verify-email: the mailed link confirms the address', async () => {
    const { tab } = await device();
    const email = await signUp(tab);
    await tab.getByText('Your address is not verified yet.').waitFor();
    await followMail(tab, email, /^Confirm your email address/);
    await tab.getByRole('button', { name: 'Confirm my address' }).click();
    await tab.getByText('Your address is confirmed.').waitFor();
    await tab.goto(`${web.url}/`);
    await tab.getByText('Your address is verified.').waitFor();
  });

  it('forgot password → /reset-password sets a new one; the account page changes it again', async () => {
    const { tab } = await device();
    const email = await signUp(tab);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.goto(`${web.url}/sign-in`);
    await tab.getByRole('link', { name: 'Forgot your password?' }).click();
    await tab.getByLabel('Email', { exact: true }).fill(email);
    await tab.getByRole('button', { name: 'Email me a link' }).click();
    await tab.getByRole('status').waitFor();
    await followMail(tab, email, /^Reset your/);
    await tab.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await tab.getByRole('button', { name: 'Set password' }).click();
    await tab.getByText('Your password is set.').waitFor();
    await signIn(tab, email, NEW_PASSWORD);
    await expectSignedInAs(tab, email);

    await tab.goto(`${web.url}/account`);
    await tab.getByLabel('Current password', { exact: true }).fill(NEW_PASSWORD);
    await tab.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
    await tab.getByRole('button', { name: 'Change password' }).click();
    await tab.getByText('Password changed.').waitFor();
    await tab.goto(`${web.url}/`);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await signIn(tab, email, GOOD_PASSWORD);
    await expectSignedInAs(tab, email);
  });

  it('changes the address: /confirm-email-change, from the link mailed to the new address', async () => {
    const { tab } = await device();
    await signUp(tab);
    const next = uniqueEmail('moved');
    await tab.goto(`${web.url}/account`);
    await tab.getByLabel('New address', { exact: true }).fill(next);
    await tab.getByRole('button', { name: 'Send a confirmation link' }).click();
    await tab.getByText('Open the link we sent to the new address').waitFor();
    await followMail(tab, next, /^Confirm your new email address/);
    await tab.getByRole('button', { name: 'Use this address' }).click();
    await tab.getByText('Your account now uses this address.').waitFor();
    await tab.goto(`${web.url}/`);
    await expectSignedInAs(tab, next);
  });

  it('signs in by email: with the mailed link (/sign-in-link), and with the mailed code', async () => {
    const { tab } = await device();
    const email = await signUp(tab);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.goto(`${web.url}/email-sign-in`);
    await tab.getByLabel('Email', { exact: true }).fill(email);
    await tab.getByRole('button', { name: 'Email me a link and a code' }).click();
    await tab.getByLabel('Code', { exact: true }).waitFor();
    const first = await mailbox.waitFor(email, /^Sign in to/);
    await tab.getByLabel('Code', { exact: true }).fill(first.code!);
    await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectSignedInAs(tab, email);

    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.goto(`${web.url}/email-sign-in`);
    await tab.getByLabel('Email', { exact: true }).fill(email);
    await tab.getByRole('button', { name: 'Email me a link and a code' }).click();
    await tab.getByLabel('Code', { exact: true }).waitFor();
    await followMail(tab, email, /^Sign in to/, 2);
    await tab.getByRole('button', { name: 'Sign me in' }).click();
    await expectSignedInAs(tab, email);
  });

  it('turns on an authenticator app on the account page; the next sign-in asks for its code, or a recovery code', async () => {
    const { tab } = await device();
    const email = await signUp(tab);
    await tab.goto(`${web.url}/account`);
    await tab.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await tab.getByTestId('totp-secret').innerText()).trim();
    await tab.getByLabel('Code from the app', { exact: true }).fill(totpCode(secret, clock.now()));
    await tab.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => tab.getByTestId('recovery-code').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const recovery = (await tab.getByTestId('recovery-code').first().innerText()).trim();

    const laptop = await device();
    await signIn(laptop.tab, email);
    await laptop.tab.waitForURL(`${web.url}/two-factor`);
    await laptop.tab.getByLabel('Code from your authenticator app', { exact: true }).fill('000000');
    await laptop.tab.getByRole('button', { name: 'Verify' }).click();
    await laptop.tab.getByRole('alert').waitFor();
    expect(await alertCode(laptop.tab)).toBe('INVALID_CREDENTIALS'); // a wrong code; the flow stays
    clock.advance(30); // a code is taken once per time step
    await laptop.tab.getByLabel('Code from your authenticator app', { exact: true }).fill(totpCode(secret, clock.now()));
    await laptop.tab.getByRole('button', { name: 'Verify' }).click();
    await expectSignedInAs(laptop.tab, email);

    const phone = await device();
    await signIn(phone.tab, email);
    await phone.tab.waitForURL(`${web.url}/two-factor`);
    await phone.tab.getByLabel('Recovery code', { exact: true }).fill(recovery);
    await phone.tab.getByRole('button', { name: 'Use recovery code' }).click();
    await expectSignedInAs(phone.tab, email);
  });

  it('adds a passkey (DevTools virtual authenticator), then signs in with it: by autofill on page load, and by the button in a browser without autofill', async () => {
    const { tab, passkeys } = await deviceWithAuthenticator();
    const email = await signUp(tab);
    await tab.goto(`${web.url}/account`);
    await tab.getByRole('button', { name: 'Add a passkey' }).click();
    await tab.getByText('Passkey “This browser” added.').waitFor();
    await tab.goto(`${web.url}/`);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByText('You are not signed in.').waitFor();
    // The sign-in page's autofill request (conditional UI) is answered by the passkey at once.
    await tab.goto(`${web.url}/sign-in`);
    await expectSignedInAs(tab, email);

    // Another browser, without autofill for passkeys, holding the same (synced) passkey: the button.
    const otherTab = await browserWithPasskeys(await passkeys());
    await otherTab.goto(`${web.url}/sign-in`);
    await otherTab.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expectSignedInAs(otherTab, email);
  });

  it('the second step with a passkey: a password sign-in of a user with an authenticator app and a passkey finishes with the passkey', async () => {
    const { tab, passkeys } = await deviceWithAuthenticator();
    const email = await signUp(tab);
    await tab.goto(`${web.url}/account`);
    await tab.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await tab.getByTestId('totp-secret').innerText()).trim();
    clock.advance(30);
    await tab.getByLabel('Code from the app', { exact: true }).fill(totpCode(secret, clock.now()));
    await tab.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => tab.getByTestId('recovery-code').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await tab.getByRole('button', { name: 'Add a passkey' }).click();
    await tab.getByText('Passkey “This browser” added.').waitFor();

    const laptop = await browserWithPasskeys(await passkeys());
    await signIn(laptop, email);
    await laptop.waitForURL(`${web.url}/two-factor`);
    await laptop.getByRole('button', { name: 'Use a passkey' }).click();
    await expectSignedInAs(laptop, email);
  });

  it('signs in with the provider through the redirect flow, and lands back in the app signed in', async () => {
    const subject = `acme-${Date.now()}`;
    const email = uniqueEmail('acme');
    provider.accounts.set(subject, { email, email_verified: true });
    provider.signInAs(subject);
    const { tab } = await device('/sign-in');
    await tab.getByRole('link', { name: 'Continue with Acme ID' }).click();
    await tab.waitForURL(`${web.url}/`, { timeout: 15_000 });
    await expectSignedInAs(tab, email);
  });

  it('opened at 127.0.0.1 while the API is at localhost: sign-up answers success but the browser drops the cookie, and the server says why', async () => {
    const elsewhere = await web.serveAlso('127.0.0.1', otherSitePort);
    try {
      const { tab } = await device();
      const email = uniqueEmail('other-site');
      await tab.goto(`${elsewhere.url}/sign-up`);
      await tab.getByLabel('Email', { exact: true }).fill(email);
      await tab.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
      await tab.getByRole('button', { name: 'Create account' }).click();
      await tab.getByText('You are not signed in.').waitFor(); // registered, yet anonymous: no cookie came back
      expect(serverLog.some((line) => line.includes('will drop the cookies') && line.includes(`"origin":"http://127.0.0.1:${otherSitePort}"`))).toBe(true);
      await signUp(tab); // the same app at localhost, the API's site, keeps the cookie
    } finally {
      await elsewhere.close();
    }
  });

  it('accepts an invitation on /accept-invite, and deletes the account from the account page', async () => {
    const email = uniqueEmail('invited');
    await server.app.services.admin.invite(server.orm.em.fork(), null, email, [], 'en');
    const { tab } = await device();
    await followMail(tab, email, /^You are invited/);
    await tab.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await tab.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
    await tab.getByRole('button', { name: 'Set password' }).click();
    await tab.getByText('Your password is set.').waitFor();
    await signIn(tab, email);
    await expectSignedInAs(tab, email);

    await tab.goto(`${web.url}/account`);
    await tab.locator('form[aria-labelledby="delete-account"]').getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await tab.getByRole('button', { name: 'Delete my account' }).click();
    await tab.getByText('You are not signed in.').waitFor();
    await signIn(tab, email);
    await tab.getByRole('alert').waitFor();
    expect(await alertCode(tab)).toBe('INVALID_CREDENTIALS');
  });
});
