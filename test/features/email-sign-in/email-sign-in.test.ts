import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  CompleteSignInDocument,
  LoginDocument,
  RegisterDocument,
  RequestSignInEmailDocument,
  SignInMethodsDocument,
  SignInWithEmailCodeDocument,
  SignInWithEmailLinkDocument,
} from '../../generated/graphql';
import { adopt, credentialKinds, GOOD_PASSWORD, registerUser, uniqueEmail, whoAmI, type AuthSuccessFields } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { Mailbox } from '../../helpers/mailbox';
import { enableTotp, totpCode } from '../../helpers/mfa';
import { settled, sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let mailbox: Mailbox;
let server: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  server = await startTestServer({ clock, env: { SMTP_URL: mailbox.url, EMAIL_SIGN_IN_ENABLED: 'true', EMAIL_VERIFICATION: 'mandatory' } });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

const anonymous = () => new TestClient(server.graphqlUrl);
const SIGN_IN_MAIL = /^Sign in to/;

/** A verified user (verification is mandatory on this server), and the sign-in mail they asked for. */
async function userWithSignInMail(n = 1) {
  const email = uniqueEmail();
  await registerUser(server, 'COOKIE', email).catch(() => undefined); // mandatory verification: PendingStep, no session
  await settled(server);
  await anonymous().request(RequestSignInEmailDocument, { email });
  return { email, mail: await mailbox.waitFor(email, SIGN_IN_MAIL, n) };
}

describe.each(credentialKinds)('email sign-in for %s', (kind) => {
  it('the mailed link signs in once, as the kind asked for, and proves the address (SEC-59)', async () => {
    const { email, mail } = await userWithSignInMail();
    expect(mail.link?.toString()).toMatch(/^http:\/\/localhost:3000\/sign-in-link\?token=gthe_/);
    const client = anonymous();
    const response = await client.request(SignInWithEmailLinkDocument, { token: mail.token!, credentials: kind });
    const result = response.data?.signInWithEmailLink;
    expect(result).toMatchObject({ __typename: 'AuthSuccess', user: { email, emailVerified: true }, session: { credentialKind: kind } });
    adopt(client, result as AuthSuccessFields, kind);
    expect(await whoAmI(client)).toBe(email);
    expect(errorCode(await anonymous().request(SignInWithEmailLinkDocument, { token: mail.token!, credentials: kind }))).toBe('INVALID_TOKEN');
  });

  it('the mailed code signs in within 10 minutes; 3 wrong codes void it (SEC-59)', async () => {
    const first = await userWithSignInMail();
    clock.advance(10 * 60 + 1);
    expect(errorCode(await anonymous().request(SignInWithEmailCodeDocument, { email: first.email, code: first.mail.code!, credentials: kind }))).toBe('INVALID_TOKEN');

    const { email, mail } = await userWithSignInMail();
    const wrong = mail.code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) expect(errorCode(await anonymous().request(SignInWithEmailCodeDocument, { email, code: wrong, credentials: kind }))).toBe('INVALID_TOKEN');
    expect(errorCode(await anonymous().request(SignInWithEmailCodeDocument, { email, code: mail.code!, credentials: kind }))).toBe('INVALID_TOKEN');

    await anonymous().request(RequestSignInEmailDocument, { email });
    const again = await mailbox.waitFor(email, SIGN_IN_MAIL, 2);
    const response = await anonymous().request(SignInWithEmailCodeDocument, { email: ` ${email.toUpperCase()} `, code: again.code!, credentials: kind });
    expect(response.data?.signInWithEmailCode).toMatchObject({ __typename: 'AuthSuccess', session: { credentialKind: kind } });
  });

  it('a user with a second factor still gets the second step (SEC-55)', async () => {
    const owner = await registerUser(server, 'COOKIE').catch(() => null);
    expect(owner).toBeNull(); // mandatory verification: nobody is signed in at registration
    const { email, mail } = await userWithSignInMail();
    const signedIn = anonymous();
    await signedIn.request(SignInWithEmailLinkDocument, { token: mail.token!, credentials: 'COOKIE' });
    const { secret } = await enableTotp(signedIn, clock);
    await anonymous().request(RequestSignInEmailDocument, { email });
    const second = await mailbox.waitFor(email, SIGN_IN_MAIL, 2);
    const step = (await anonymous().request(SignInWithEmailCodeDocument, { email, code: second.code!, credentials: kind })).data?.signInWithEmailCode;
    expect(step).toMatchObject({ __typename: 'PendingStep', step: 'SECOND_FACTOR' });
    if (step?.__typename !== 'PendingStep') return;
    const done = await anonymous().request(CompleteSignInDocument, { input: { flowToken: step.flowToken!, totpCode: totpCode(secret, clock.now()) } });
    clock.advance(30);
    expect(done.data?.completeSignIn).toMatchObject({ __typename: 'AuthSuccess', session: { credentialKind: kind } });
  });
});

describe('accounts without a password', () => {
  it('register without a password mails a sign-in link that finishes the account; a password can be set later', async () => {
    const email = uniqueEmail('nopass');
    const registered = await anonymous().request(RegisterDocument, { input: { email } });
    expect(registered.data?.register).toMatchObject({ __typename: 'PendingStep', step: 'VERIFY_EMAIL' });
    const mail = await mailbox.waitFor(email, SIGN_IN_MAIL);
    const client = anonymous();
    const signedIn = await client.request(SignInWithEmailLinkDocument, { token: mail.token! });
    expect(signedIn.data?.signInWithEmailLink).toMatchObject({ __typename: 'AuthSuccess', user: { email, emailVerified: true } });
    expect((await client.request(SignInMethodsDocument)).data!.me!.signInMethods.map((m) => m.kind)).toEqual(['EMAIL']);
    expect((await anonymous().request(LoginDocument, { input: { email, password: GOOD_PASSWORD } })).data?.login).toBeUndefined();

    expect((await client.request(ChangePasswordDocument, { input: { newPassword: GOOD_PASSWORD } })).data?.changePassword).toBe(true);
    expect((await client.request(SignInMethodsDocument)).data!.me!.signInMethods.map((m) => m.kind)).toEqual(['PASSWORD', 'EMAIL']);
    expect((await anonymous().request(LoginDocument, { input: { email, password: GOOD_PASSWORD } })).data?.login?.__typename).toBe('AuthSuccess');
    // Now that there is one, changing it needs it.
    expect(errorCode(await client.request(ChangePasswordDocument, { input: { newPassword: 'yet another passphrase' } }))).toBe('BAD_USER_INPUT');
  });

  it('registering a taken address without a password answers the same, and mails its owner a sign-in link instead', async () => {
    const { email } = await userWithSignInMail();
    const answer = await anonymous().request(RegisterDocument, { input: { email } });
    expect(answer.data?.register).toMatchObject({ __typename: 'PendingStep', step: 'VERIFY_EMAIL' });
    const link = await mailbox.waitFor(email, SIGN_IN_MAIL, 2);
    expect((await anonymous().request(SignInWithEmailLinkDocument, { token: link.token! })).data?.signInWithEmailLink?.__typename).toBe('AuthSuccess');
  });
});

describe('requestSignInEmail (SEC-59)', () => {
  it('answers true for an unknown address too, and mails nobody', async () => {
    const unknown = uniqueEmail('nobody');
    expect((await anonymous().request(RequestSignInEmailDocument, { email: unknown })).data?.requestSignInEmail).toBe(true);
    await settled(server);
    expect(mailbox.for(unknown)).toHaveLength(0);
  });

  it('answers before the address is looked up, so a known and an unknown address take the same time', async () => {
    const { email } = await userWithSignInMail();
    const unknown = uniqueEmail('nobody');
    // With the users table locked, any lookup would wait: the answers must not.
    const locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table users in access exclusive mode');
      const answers = await Promise.race([
        Promise.all([email, unknown].map((e) => anonymous().request(RequestSignInEmailDocument, { email: e }))),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('requestSignInEmail waited for the users table')), 2_500)),
      ]);
      for (const answer of answers) expect(answer.data?.requestSignInEmail).toBe(true);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    await mailbox.waitFor(email, SIGN_IN_MAIL, 2); // sent once the lookup could run
  });

  it('a newer mail voids the older link; a link is bound to the address it was sent to', async () => {
    const { email, mail } = await userWithSignInMail();
    await anonymous().request(RequestSignInEmailDocument, { email });
    await mailbox.waitFor(email, SIGN_IN_MAIL, 2);
    expect(errorCode(await anonymous().request(SignInWithEmailLinkDocument, { token: mail.token! }))).toBe('INVALID_TOKEN');
    const third = await userWithSignInMail();
    await sql(server, 'update users set email = ? where email = ?', [uniqueEmail('moved'), third.email]);
    expect(errorCode(await anonymous().request(SignInWithEmailLinkDocument, { token: third.mail.token! }))).toBe('INVALID_TOKEN');
  });

  it('with EMAIL_SIGN_IN_CREATES_ACCOUNTS, an unknown address gets an account on its first sign-in, verified by it', async () => {
    const open = await startTestServer({ clock, databaseUrl: server.databaseUrl, env: { SMTP_URL: mailbox.url, EMAIL_SIGN_IN_ENABLED: 'true', EMAIL_SIGN_IN_CREATES_ACCOUNTS: 'true' } });
    try {
      const email = uniqueEmail('newcomer');
      expect((await new TestClient(open.graphqlUrl).request(RequestSignInEmailDocument, { email })).data?.requestSignInEmail).toBe(true);
      const mail = await mailbox.waitFor(email, SIGN_IN_MAIL);
      const [before] = await sql<{ email_verified_at: Date | null; password_hash: string | null }>(server, 'select email_verified_at, password_hash from users where email = ?', [email]);
      expect(before).toEqual({ email_verified_at: null, password_hash: null });
      const signedIn = await new TestClient(open.graphqlUrl).request(SignInWithEmailCodeDocument, { email, code: mail.code! });
      expect(signedIn.data?.signInWithEmailCode).toMatchObject({ __typename: 'AuthSuccess', user: { email, emailVerified: true } });
    } finally {
      await open.close();
    }
  });

  it('is refused with FORBIDDEN when EMAIL_SIGN_IN_ENABLED is off (the default)', async () => {
    const off = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const client = new TestClient(off.graphqlUrl);
      expect(errorCode(await client.request(RequestSignInEmailDocument, { email: uniqueEmail() }))).toBe('FORBIDDEN');
      const { email, mail } = await userWithSignInMail();
      expect(errorCode(await client.request(SignInWithEmailLinkDocument, { token: mail.token! }))).toBe('FORBIDDEN');
      expect(errorCode(await client.request(SignInWithEmailCodeDocument, { email, code: mail.code! }))).toBe('FORBIDDEN');
    } finally {
      await off.close();
    }
  });
});
