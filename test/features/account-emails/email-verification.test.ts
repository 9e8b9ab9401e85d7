import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, RegisterDocument, RequestEmailVerificationDocument, VerifyEmailCodeDocument, VerifyEmailDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { Mailbox } from '../../helpers/mailbox';
import { settled, sql, startTestServer, type TestServer } from '../../helpers/test-server';

const FRONTEND = 'https://app.example.com';
const clock = new FakeClock();
let mailbox: Mailbox;
let server: TestServer;
let mandatory: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  const env = { SMTP_URL: mailbox.url, FRONTEND_URL: FRONTEND, EMAIL_RESEND_COOLDOWN_SECONDS: '60' };
  server = await startTestServer({ clock, env });
  mandatory = await startTestServer({ clock, databaseUrl: server.databaseUrl, env: { ...env, EMAIL_VERIFICATION: 'mandatory' } });
});
afterAll(async () => {
  await Promise.all([server?.close(), mandatory?.close()]);
  await mailbox?.close();
});

const anonymous = (s = server) => new TestClient(s.graphqlUrl);
const VERIFY = /Confirm your email/;
/** Verification needs no flow token: the mailed link or code continues it, and the user signs in again. */
const VERIFY_EMAIL_STEP = { __typename: 'PendingStep', step: 'VERIFY_EMAIL', flowToken: null, expiresAt: null, methods: [], passkeyOptions: null };

describe('email verification (optional mode)', () => {
  it('registration mails a link to FRONTEND_URL/verify-email and a code; the link verifies the address', async () => {
    const { client, email } = await registerUser(server);
    const mail = await mailbox.waitFor(email, VERIFY);
    expect(mail.link?.origin + mail.link!.pathname).toBe(`${FRONTEND}/verify-email`);
    expect(mail.token).toMatch(/^gthe_[A-Za-z0-9_-]{43}$/);
    expect(mail.code).toMatch(/^\d{6}$/);
    expect(mail.html).toContain(mail.link!.toString().replace(/&/g, '&amp;'));

    const verified = await anonymous().request(VerifyEmailDocument, { token: mail.token! });
    expect(verified.data?.verifyEmail).toMatchObject({ email, emailVerified: true });
    expect(await whoAmI(client)).toBe(email);
  });

  it('tokens are single-use and stored only as SHA-256 (SEC-19, SEC-21)', async () => {
    const { email } = await registerUser(server);
    const { token } = await mailbox.waitFor(email, VERIFY);
    expect(await sql(server, 'select 1 from email_tokens where token_hash = ?', [token])).toEqual([]);
    expect(await sql(server, 'select 1 from email_tokens where token_hash = ?', [createHash('sha256').update(token!).digest('hex')])).toHaveLength(1);
    expect((await anonymous().request(VerifyEmailDocument, { token: token! })).data?.verifyEmail.emailVerified).toBe(true);
    expect(errorCode(await anonymous().request(VerifyEmailDocument, { token: token! }))).toBe('INVALID_TOKEN');
  });

  it('a link expires after 24 hours (SEC-19)', async () => {
    const { email } = await registerUser(server);
    const { token } = await mailbox.waitFor(email, VERIFY);
    clock.advance(24 * 60 * 60 + 1);
    expect(errorCode(await anonymous().request(VerifyEmailDocument, { token: token! }))).toBe('INVALID_TOKEN');
  });

  it.each([
    ['empty', ''],
    ['truncated', 'gthe_abc'],
    ['a session token', 'gths_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['10 KB', 'gthe_'.padEnd(10_000, 'a')],
  ])('an invalid token (%s) is INVALID_TOKEN', async (_label, token) => {
    expect(errorCode(await anonymous().request(VerifyEmailDocument, { token }))).toBe('INVALID_TOKEN');
  });

  it('the code verifies within 10 minutes; 3 wrong codes void it', async () => {
    const first = await registerUser(server);
    const { code } = await mailbox.waitFor(first.email, VERIFY);
    const ok = await anonymous().request(VerifyEmailCodeDocument, { email: first.email, code: code! });
    expect(ok.data?.verifyEmailCode.emailVerified).toBe(true);

    const second = await registerUser(server);
    const mail = await mailbox.waitFor(second.email, VERIFY);
    const wrong = mail.code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) {
      expect(errorCode(await anonymous().request(VerifyEmailCodeDocument, { email: second.email, code: wrong }))).toBe('INVALID_TOKEN');
    }
    expect(errorCode(await anonymous().request(VerifyEmailCodeDocument, { email: second.email, code: mail.code! }))).toBe('INVALID_TOKEN');
    // the link still works: only the code was guessed at
    expect((await anonymous().request(VerifyEmailDocument, { token: mail.token! })).data?.verifyEmail.emailVerified).toBe(true);

    const third = await registerUser(server);
    const late = await mailbox.waitFor(third.email, VERIFY);
    clock.advance(10 * 60 + 1);
    expect(errorCode(await anonymous().request(VerifyEmailCodeDocument, { email: third.email, code: late.code! }))).toBe('INVALID_TOKEN');
  });

  it('a resend within the cooldown sends nothing; after it, a new link replaces the old one', async () => {
    const { client, email } = await registerUser(server);
    const firstMail = await mailbox.waitFor(email, VERIFY);
    const resend = await client.request(RequestEmailVerificationDocument, {});
    expect(resend.data?.requestEmailVerification, resend.text).toBe(true);
    await settled(server);
    expect(mailbox.for(email)).toHaveLength(1);

    clock.advance(61);
    expect((await anonymous().request(RequestEmailVerificationDocument, { email })).data?.requestEmailVerification).toBe(true);
    const second = await mailbox.waitFor(email, VERIFY, 2);
    expect(errorCode(await anonymous().request(VerifyEmailDocument, { token: firstMail.token! }))).toBe('INVALID_TOKEN');
    expect((await anonymous().request(VerifyEmailDocument, { token: second.token! })).data?.verifyEmail.emailVerified).toBe(true);
  });

  it('asking for an unknown address answers the same and mails nobody (SEC-14)', async () => {
    const nobody = uniqueEmail('nobody');
    const response = await anonymous().request(RequestEmailVerificationDocument, { email: nobody });
    expect(response.data?.requestEmailVerification).toBe(true);
    await settled(server);
    expect(mailbox.for(nobody)).toEqual([]);
  });

  it('links are built from FRONTEND_URL, never from Host or X-Forwarded-Host (SEC-24)', async () => {
    const email = uniqueEmail();
    const body = JSON.stringify({ query: 'mutation($i: RegisterInput!) { register(input: $i) { __typename } }', variables: { i: { email, password: GOOD_PASSWORD } } });
    await new Promise<void>((resolve, reject) => {
      const url = new URL(server.graphqlUrl);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
          headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', origin: 'https://evil.example', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => res.resume().on('end', resolve),
      );
      req.on('error', reject);
      req.end(body);
    });
    const mail = await mailbox.waitFor(email, VERIFY);
    expect(mail.link!.origin).toBe(FRONTEND);
    expect(mail.text + mail.html).not.toContain('evil.example');
  });
});

describe('email verification (mandatory mode)', () => {
  const register = (email: string, s = mandatory) => anonymous(s).request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } });

  it('register answers PendingStep VERIFY_EMAIL and signs nobody in; login waits for verification', async () => {
    const email = uniqueEmail();
    const response = await register(email);
    expect(response.data?.register).toEqual(VERIFY_EMAIL_STEP);
    expect(response.setCookies).toEqual([]);
    // The account is created after the answer (so that its timing says nothing); its link follows.
    const { token } = await mailbox.waitFor(email, VERIFY);

    const login = () => anonymous(mandatory).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    expect((await login()).data?.login).toEqual(VERIFY_EMAIL_STEP);
    const wrong = await anonymous(mandatory).request(LoginDocument, { input: { email, password: 'wrong password!' } });
    expect(errorCode(wrong)).toBe('INVALID_CREDENTIALS'); // the pending step needs the password

    await anonymous(mandatory).request(VerifyEmailDocument, { token: token! });
    expect((await login()).data?.login?.__typename).toBe('AuthSuccess');
  });

  it('answers before the address is even looked up, so a taken and a new address take the same time (SEC-16)', async () => {
    const owner = uniqueEmail('owner');
    await register(owner);
    await mailbox.waitFor(owner, VERIFY);
    const fresh = uniqueEmail('fresh');
    // With the users table locked, any lookup or insert would wait: the answers must not.
    const locker = new pg.Client({ connectionString: mandatory.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table users in access exclusive mode');
      const answers = await Promise.race([
        Promise.all([register(fresh), register(owner)]),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('register waited for the users table')), 5_000)),
      ]);
      for (const answer of answers) expect(answer.data?.register).toEqual(VERIFY_EMAIL_STEP);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    await mailbox.waitFor(fresh, VERIFY);
    await mailbox.waitFor(owner, /Someone tried to sign up/);
  });

  it('registering a taken address answers exactly like a new one; the owner is told, nothing is created (SEC-16)', async () => {
    const owner = uniqueEmail('owner');
    await register(owner);
    const fresh = await register(uniqueEmail('fresh'));
    const again = await register(`  ${owner.toUpperCase()} `);
    expect(again.status).toBe(fresh.status);
    expect(again.text).toBe(fresh.text);
    expect(again.setCookies).toEqual(fresh.setCookies);
    await mailbox.waitFor(owner, /Someone tried to sign up/);
    const rows = await sql(mandatory, 'select 1 from users where email = ?', [owner]);
    expect(rows).toHaveLength(1);
  });
});
