import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BeginTotpEnrollmentDocument,
  CompleteSignInDocument,
  ConfirmTotpEnrollmentDocument,
  CreateApiTokenDocument,
  DisableTotpDocument,
  LoginDocument,
  ReauthenticateDocument,
  ReauthenticateWithFactorDocument,
  RegenerateRecoveryCodesDocument,
  RegisterDocument,
  RequestEmailChangeDocument,
  SocialLoginDocument,
} from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, loginUser, refresh, registerUser, uniqueEmail, whoAmI } from '../../helpers/accounts';
import { Browser } from '../../helpers/browser';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { enableTotp, firstStep, signInWithTotp, totpCode } from '../../helpers/mfa';
import { startOidcProvider, type OidcTestProvider } from '../../helpers/oidc-provider';
import { freePort, sql, startTestServer, TEST_MFA_KEY, type TestServer } from '../../helpers/test-server';

const APP = 'https://app.example.com';
const clock = new FakeClock();
let mailbox: Mailbox;
let provider: OidcTestProvider;
let server: TestServer;
let publicUrl: string;
beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  mailbox = await new Mailbox().start();
  provider = await startOidcProvider([`${publicUrl}/auth/acme/callback`]);
  server = await startTestServer({
    clock,
    env: {
      SMTP_URL: mailbox.url,
      AUTH_BASIC_ENABLED: 'true',
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      FRONTEND_URL: APP,
      OIDC_ALLOW_INSECURE: 'true',
      GATEHOUSE_OIDC_ACME_ISSUER: provider.issuer,
      GATEHOUSE_OIDC_ACME_CLIENT_ID: provider.clientId,
      GATEHOUSE_OIDC_ACME_CLIENT_SECRET: provider.clientSecret,
    },
  });
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
  await mailbox?.close();
});

const anonymous = () => new TestClient(server.graphqlUrl);

async function userWithTotp() {
  const owner = await registerUser(server, 'COOKIE');
  return { ...owner, ...(await enableTotp(owner.client, clock)) };
}

/** A user of the provider, signed in once with socialLogin (an ID token), with TOTP turned on. */
async function socialUserWithTotp() {
  const subject = randomUUID();
  const email = uniqueEmail('social');
  const idToken = await provider.issueIdToken({ sub: subject, email, email_verified: true });
  const client = anonymous();
  await client.request(SocialLoginDocument, { input: { provider: 'acme', idToken } });
  const totp = await enableTotp(client, clock);
  provider.accounts.set(subject, { email, email_verified: true });
  return { subject, email, client, ...totp };
}

describe('no entry point skips the second step (SEC-55)', () => {
  it('Authorization: Basic is refused with SECOND_FACTOR_REQUIRED once a factor is on', async () => {
    const { client, email } = await registerUser(server, 'COOKIE');
    const basic = anonymous();
    basic.authorization = `Basic ${Buffer.from(`${email}:${GOOD_PASSWORD}`).toString('base64')}`;
    expect(await whoAmI(basic)).toBe(email); // the control: Basic works before
    await enableTotp(client, clock);
    const refused = await basic.post('{"query":"{ me { email } }"}');
    expect(refused.status).toBe(401);
    expect(errorCode(refused)).toBe('SECOND_FACTOR_REQUIRED');
  });

  it.each(credentialKinds)('socialLogin (%s) answers SECOND_FACTOR, and completeSignIn finishes it', async (kind) => {
    const { subject, email, secret } = await socialUserWithTotp();
    const idToken = await provider.issueIdToken({ sub: subject, email, email_verified: true });
    const first = await anonymous().request(SocialLoginDocument, { input: { provider: 'acme', idToken, credentials: kind } });
    const step = first.data?.socialLogin;
    expect(step).toMatchObject({ __typename: 'PendingStep', step: 'SECOND_FACTOR' });
    if (step?.__typename !== 'PendingStep') return;
    const done = await anonymous().request(CompleteSignInDocument, { input: { flowToken: step.flowToken!, totpCode: totpCode(secret, clock.now()) } });
    clock.advance(30);
    expect(done.data?.completeSignIn).toMatchObject({ __typename: 'AuthSuccess', user: { email }, session: { credentialKind: kind } });
  });

  it('the redirect flow sends the browser to MFA_PATH with the flow token in the fragment, without a session', async () => {
    const { subject, email, secret } = await socialUserWithTotp();
    provider.signInAs(subject);
    const browser = new Browser();
    const landed = await browser.navigate(`${publicUrl}/auth/acme`, (u) => u.origin === APP);
    expect(landed.url.pathname).toBe('/two-factor');
    expect(landed.url.search).toBe('');
    const fragment = new URLSearchParams(landed.url.hash.slice(1));
    expect(fragment.get('step')).toBe('SECOND_FACTOR');
    expect(fragment.get('methods')).toBe('TOTP,RECOVERY_CODE');
    expect(browser.jar('127.0.0.1').has('gatehouse_session')).toBe(false);

    const frontend = anonymous();
    const done = await frontend.request(CompleteSignInDocument, { input: { flowToken: fragment.get('flowToken')!, totpCode: totpCode(secret, clock.now()) } });
    clock.advance(30);
    expect(done.data?.completeSignIn).toMatchObject({ __typename: 'AuthSuccess', session: { credentialKind: 'COOKIE' } });
    expect(await whoAmI(frontend)).toBe(email);
  });

  it('a refresh family created before the factor was turned on stops working, as do the other sessions (SEC-60)', async () => {
    const { client, email } = await registerUser(server, 'COOKIE');
    const jwt = await loginUser(server, email, 'JWT');
    const token = await loginUser(server, email, 'SESSION_TOKEN');
    await enableTotp(client, clock);
    expect(errorCode(await refresh(jwt.client))).toBe('UNAUTHENTICATED');
    await eventually(async () => expect(await whoAmI(token.client)).toBe('UNAUTHENTICATED'));
    expect(await whoAmI(client)).toBe(email); // the session that turned it on stays
    expect((await mailbox.waitFor(email, /Two-factor authentication is on/)).text).toMatch(/other sessions were signed out/);
  });

  it('an ID token whose provider says it did MFA passes only with MFA_TRUST_PROVIDER=true', async () => {
    const { subject, email } = await socialUserWithTotp();
    const idToken = await provider.issueIdToken({ sub: subject, email, email_verified: true, amr: ['pwd', 'mfa'] });
    const here = await anonymous().request(SocialLoginDocument, { input: { provider: 'acme', idToken } });
    expect(here.data?.socialLogin).toMatchObject({ __typename: 'PendingStep', step: 'SECOND_FACTOR' });

    const trusting = await startTestServer({
      databaseUrl: server.databaseUrl,
      env: { MFA_TRUST_PROVIDER: 'true', OIDC_ALLOW_INSECURE: 'true', GATEHOUSE_OIDC_ACME_ISSUER: provider.issuer, GATEHOUSE_OIDC_ACME_CLIENT_ID: provider.clientId, GATEHOUSE_OIDC_ACME_CLIENT_SECRET: provider.clientSecret },
    });
    try {
      const signedIn = new TestClient(trusting.graphqlUrl);
      const answer = await signedIn.request(SocialLoginDocument, { input: { provider: 'acme', idToken } });
      expect(answer.data?.socialLogin).toMatchObject({ __typename: 'AuthSuccess', user: { email } });
      const plain = await provider.issueIdToken({ sub: subject, email, email_verified: true, amr: ['pwd'] });
      expect((await new TestClient(trusting.graphqlUrl).request(SocialLoginDocument, { input: { provider: 'acme', idToken: plain } })).data?.socialLogin).toMatchObject({ step: 'SECOND_FACTOR' });
    } finally {
      await trusting.close();
    }
  });
});

describe.each(credentialKinds)('step-up for a user with a second factor, %s (SEC-63)', (kind) => {
  it('a sensitive change needs a second factor within the window; the password alone is not enough', async () => {
    const { email, secret } = await userWithTotp();
    const { client } = await signInWithTotp(server.graphqlUrl, email, kind, secret, clock);
    expect((await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() })).data?.requestEmailChange).toBe(true);

    clock.advance(6 * 60);
    expect(errorCode(await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() }))).toBe('REAUTH_REQUIRED');
    expect((await client.request(ReauthenticateDocument, { password: GOOD_PASSWORD })).data?.reauthenticate).toBe(true);
    expect(errorCode(await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() }))).toBe('REAUTH_REQUIRED');
    expect(errorCode(await client.request(CreateApiTokenDocument, { input: { name: 'x', currentPassword: GOOD_PASSWORD } }))).toBe('REAUTH_REQUIRED');

    expect(errorCode(await client.request(ReauthenticateWithFactorDocument, { totpCode: '000000' === totpCode(secret, clock.now()) ? '111111' : '000000' }))).toBe('INVALID_CREDENTIALS');
    expect((await client.request(ReauthenticateWithFactorDocument, { totpCode: totpCode(secret, clock.now()) })).data?.reauthenticate).toBe(true);
    clock.advance(30);
    expect((await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() })).data?.requestEmailChange).toBe(true);
    expect((await client.request(CreateApiTokenDocument, { input: { name: 'x' } })).data?.createApiToken.token).toMatch(/^gth/);
  });

  it('a session that skipped the second step on a trusted device is aal1: it must step up', async () => {
    const { email, secret } = await userWithTotp();
    const device = new TestClient(server.graphqlUrl);
    const { flowToken } = await firstStep(server.graphqlUrl, email, kind, device);
    const trusted = await device.request(CompleteSignInDocument, { input: { flowToken, totpCode: totpCode(secret, clock.now()), trustDevice: true } });
    clock.advance(30);
    const deviceToken = trusted.data?.completeSignIn?.__typename === 'AuthSuccess' ? trusted.data.completeSignIn.deviceToken : null;
    const headers: Record<string, string> = kind === 'COOKIE' || !deviceToken ? {} : { 'gatehouse-device': deviceToken };
    const again = await device.request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } }, { headers });
    expect(again.data?.login?.__typename).toBe('AuthSuccess');
    const client = new TestClient(server.graphqlUrl);
    for (const [k, v] of device.cookies) client.cookies.set(k, v);
    if (again.data?.login?.__typename === 'AuthSuccess') {
      if (kind === 'SESSION_TOKEN') client.authorization = `Bearer ${again.data.login.sessionToken}`;
      if (kind === 'JWT') client.authorization = `Bearer ${again.data.login.accessToken}`;
    }
    expect(errorCode(await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() }))).toBe('REAUTH_REQUIRED');
  });
});

it('an account without a password steps up with its second factor (SEC-63)', async () => {
  const { client, secret } = await socialUserWithTotp();
  clock.advance(6 * 60);
  expect(errorCode(await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() }))).toBe('REAUTH_REQUIRED');
  expect((await client.request(ReauthenticateWithFactorDocument, { totpCode: totpCode(secret, clock.now()) })).data?.reauthenticate).toBe(true);
  clock.advance(30);
  expect((await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() })).data?.requestEmailChange).toBe(true);
});

describe('turning factors on and off', () => {
  it('beginTotpEnrollment needs a recent sign-in (SEC-33)', async () => {
    const { client } = await registerUser(server, 'SESSION_TOKEN');
    clock.advance(6 * 60);
    expect(errorCode(await client.request(BeginTotpEnrollmentDocument, {}))).toBe('REAUTH_REQUIRED');
    expect((await client.request(ReauthenticateDocument, { password: GOOD_PASSWORD })).data?.reauthenticate).toBe(true);
    const begun = (await client.request(BeginTotpEnrollmentDocument, {})).data!.beginTotpEnrollment;
    expect(begun.otpauthUri).toMatch(/^otpauth:\/\/totp\/Gatehouse:[^?]+\?issuer=Gatehouse&secret=[A-Z2-7]+&algorithm=SHA1&digits=6&period=30$/);
    expect(begun.qrCodeSvg).toMatch(/^<svg[\s\S]+<\/svg>\s*$/);
  });

  it('a wrong enrolment code turns nothing on; TOTP stays off until confirmed', async () => {
    const { client, email } = await registerUser(server, 'COOKIE');
    const { secret } = (await client.request(BeginTotpEnrollmentDocument, {})).data!.beginTotpEnrollment;
    const wrong = totpCode(secret, new Date(clock.now().getTime() + 120_000));
    expect(errorCode(await client.request(ConfirmTotpEnrollmentDocument, { input: { code: wrong } }))).toBe('INVALID_CREDENTIALS');
    expect((await anonymous().request(LoginDocument, { input: { email, password: GOOD_PASSWORD } })).data?.login?.__typename).toBe('AuthSuccess');
  });

  it('disableTotp needs a current code, ends the other sessions and mails; sign-in then has no second step', async () => {
    const { client, email, secret } = await userWithTotp();
    const other = await signInWithTotp(server.graphqlUrl, email, 'SESSION_TOKEN', secret, clock);
    expect(errorCode(await client.request(DisableTotpDocument, { code: '12345' }))).toBe('INVALID_CREDENTIALS');
    expect((await client.request(DisableTotpDocument, { code: totpCode(secret, clock.now()) })).data?.disableTotp).toBe(true);
    clock.advance(30);
    await eventually(async () => expect(await whoAmI(other.client)).toBe('UNAUTHENTICATED'));
    expect((await mailbox.waitFor(email, /turned off/)).text).toMatch(/recovery codes were voided/);
    expect((await anonymous().request(LoginDocument, { input: { email, password: GOOD_PASSWORD } })).data?.login?.__typename).toBe('AuthSuccess');
    expect((await sql(server, 'select 1 from recovery_codes r join users u on u.id = r.user_id where u.email = ?', [email])).length).toBe(0);
  });

  it('regenerateRecoveryCodes needs a recent second factor and voids the old set (SEC-57)', async () => {
    const { client, email, secret, recoveryCodes } = await userWithTotp();
    clock.advance(6 * 60);
    expect(errorCode(await client.request(RegenerateRecoveryCodesDocument))).toBe('REAUTH_REQUIRED');
    await client.request(ReauthenticateWithFactorDocument, { totpCode: totpCode(secret, clock.now()) });
    clock.advance(30);
    const fresh = (await client.request(RegenerateRecoveryCodesDocument)).data!.regenerateRecoveryCodes.codes;
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => recoveryCodes.includes(c))).toEqual([]);
    const old = await firstStep(server.graphqlUrl, email);
    expect(errorCode(await anonymous().request(CompleteSignInDocument, { input: { flowToken: old.flowToken, recoveryCode: recoveryCodes[0]! } }))).toBe('INVALID_CREDENTIALS');
    const now = await firstStep(server.graphqlUrl, email);
    expect((await anonymous().request(CompleteSignInDocument, { input: { flowToken: now.flowToken, recoveryCode: fresh[0]! } })).data?.completeSignIn?.__typename).toBe('AuthSuccess');
  });

  it('seeds sealed under a retired key still open, and are sealed again under the new one (SEC-56)', async () => {
    const { email, secret } = await userWithTotp();
    const boxOf = async () => (await sql<{ secret_box: string }>(server, 'select f.secret_box from second_factors f join users u on u.id = f.user_id where u.email = ?', [email]))[0]!.secret_box;
    const before = await boxOf();
    const rotated = await startTestServer({ clock, databaseUrl: server.databaseUrl, env: { MFA_ENCRYPTION_KEY: 'a-brand-new-mfa-encryption-key-of-32-chars+', MFA_ENCRYPTION_KEY_FALLBACKS: TEST_MFA_KEY } });
    try {
      await signInWithTotp(rotated.graphqlUrl, email, 'SESSION_TOKEN', secret, clock);
      const after = await boxOf();
      expect(after.split('.')[1]).not.toBe(before.split('.')[1]);
      await signInWithTotp(rotated.graphqlUrl, email, 'SESSION_TOKEN', secret, clock);
    } finally {
      await rotated.close();
    }
  });
});

it('a user an operator marked mfa_required must enrol at the next sign-in, and cannot turn it off (SEC-55)', async () => {
  const { email } = await registerUser(server, 'COOKIE');
  await sql(server, 'update users set mfa_required = true where email = ?', [email]);
  const login = await anonymous().request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: 'SESSION_TOKEN' } });
  const step = login.data?.login;
  expect(step).toMatchObject({ __typename: 'PendingStep', step: 'ENROLL_SECOND_FACTOR' });
  if (step?.__typename !== 'PendingStep') return;
  const client = anonymous();
  const { secret } = (await client.request(BeginTotpEnrollmentDocument, { flowToken: step.flowToken })).data!.beginTotpEnrollment;
  const done = (await client.request(ConfirmTotpEnrollmentDocument, { input: { code: totpCode(secret, clock.now()), flowToken: step.flowToken! } })).data!.confirmTotpEnrollment;
  clock.advance(30);
  client.authorization = `Bearer ${done.signIn!.sessionToken}`;
  expect(await whoAmI(client)).toBe(email);
  expect(errorCode(await client.request(DisableTotpDocument, { code: totpCode(secret, clock.now()) }))).toBe('FORBIDDEN');
  const basic = anonymous();
  basic.authorization = `Basic ${Buffer.from(`${email}:${GOOD_PASSWORD}`).toString('base64')}`;
  expect(errorCode(await basic.post('{"query":"{ me { email } }"}'))).toBe('SECOND_FACTOR_REQUIRED');
});

describe.each(credentialKinds)('MFA=required, signing in for %s', (kind) => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ clock, databaseUrl: server.databaseUrl, env: { MFA: 'required' } });
  });
  afterAll(() => strict?.close());

  it('register answers ENROLL_SECOND_FACTOR; the flow token allows only enrolment, which signs in (SEC-55)', async () => {
    const email = uniqueEmail();
    const client = new TestClient(strict.graphqlUrl);
    const registered = await client.request(RegisterDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } });
    const step = registered.data?.register;
    expect(step).toMatchObject({ __typename: 'PendingStep', step: 'ENROLL_SECOND_FACTOR', methods: ['TOTP'] });
    if (step?.__typename !== 'PendingStep') return;
    expect(await whoAmI(client)).toBeNull();
    const flowToken = step.flowToken!;
    expect(errorCode(await client.request(CompleteSignInDocument, { input: { flowToken, totpCode: '123456' } }))).toBe('INVALID_TOKEN');

    const { secret } = (await client.request(BeginTotpEnrollmentDocument, { flowToken })).data!.beginTotpEnrollment;
    const confirmed = await client.request(ConfirmTotpEnrollmentDocument, { input: { code: totpCode(secret, clock.now()), flowToken } });
    clock.advance(30);
    const result = confirmed.data?.confirmTotpEnrollment;
    expect(result?.codes).toHaveLength(10);
    expect(result?.signIn?.session.credentialKind).toBe(kind);
    if (kind === 'SESSION_TOKEN') client.authorization = `Bearer ${result!.signIn!.sessionToken}`;
    if (kind === 'JWT') client.authorization = `Bearer ${result!.signIn!.accessToken}`;
    expect(await whoAmI(client)).toBe(email);
    expect(errorCode(await client.request(ConfirmTotpEnrollmentDocument, { input: { code: totpCode(secret, clock.now()), flowToken } }))).toBe('INVALID_TOKEN');

    const next = await new TestClient(strict.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } });
    expect(next.data?.login).toMatchObject({ __typename: 'PendingStep', step: 'SECOND_FACTOR' });
  });

  it('an existing user without a factor gets ENROLL_SECOND_FACTOR at login, and cannot turn the factor off later', async () => {
    const { email } = await registerUser(server, 'COOKIE');
    const login = await new TestClient(strict.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } });
    expect(login.data?.login).toMatchObject({ __typename: 'PendingStep', step: 'ENROLL_SECOND_FACTOR' });
    const { client, secret } = await (async () => {
      const c = new TestClient(strict.graphqlUrl);
      const flowToken = login.data?.login?.__typename === 'PendingStep' ? login.data.login.flowToken! : '';
      const s = (await c.request(BeginTotpEnrollmentDocument, { flowToken })).data!.beginTotpEnrollment.secret;
      const done = (await c.request(ConfirmTotpEnrollmentDocument, { input: { code: totpCode(s, clock.now()), flowToken } })).data!.confirmTotpEnrollment.signIn!;
      clock.advance(30);
      if (kind === 'SESSION_TOKEN') c.authorization = `Bearer ${done.sessionToken}`;
      if (kind === 'JWT') c.authorization = `Bearer ${done.accessToken}`;
      return { client: c, secret: s };
    })();
    expect(errorCode(await client.request(DisableTotpDocument, { code: totpCode(secret, clock.now()) }))).toBe('FORBIDDEN');
  });
});
