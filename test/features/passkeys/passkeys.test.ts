import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BeginPasskeyReauthenticationDocument,
  BeginPasskeyRegistrationDocument,
  CompleteSignInDocument,
  ReauthenticateWithPasskeyDocument,
  RegisterDocument,
  SignInMethodsDocument,
  RequestEmailChangeDocument,
  BeginPasskeySignInDocument,
  DeletePasskeyDocument,
  FinishPasskeyRegistrationDocument,
  FinishPasskeySignInDocument,
  LoginDocument,
  PasskeysDocument,
  RenamePasskeyDocument,
  RequestSignInEmailDocument,
  SignInWithEmailCodeDocument,
  SignInWithEmailLinkDocument,
} from '../../generated/graphql';
import { adopt, credentialKinds, GOOD_PASSWORD, registerUser, uniqueEmail, whoAmI, type AuthSuccessFields } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { enableTotp } from '../../helpers/mfa';
import { SoftAuthenticator } from '../../helpers/webauthn';
import { settled, sql, startTestServer, type TestServer } from '../../helpers/test-server';

const APP = 'https://app.example.com';
const clock = new FakeClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock, env: { FRONTEND_URL: APP } });
});
afterAll(() => server?.close());

const anonymous = () => new TestClient(server.graphqlUrl);

/** A signed-in user who registered a passkey on a software authenticator of app.example.com. */
async function userWithPasskey() {
  const owner = await registerUser(server, 'COOKIE');
  const authenticator = new SoftAuthenticator('app.example.com', APP);
  const options = (await owner.client.request(BeginPasskeyRegistrationDocument)).data!.beginPasskeyRegistration as { challenge: string };
  const registered = await owner.client.request(FinishPasskeyRegistrationDocument, { input: { response: authenticator.register(options), name: 'Laptop' } });
  if (!registered.data) throw new Error(registered.text);
  return { ...owner, authenticator, passkey: registered.data.finishPasskeyRegistration };
}

async function signInWith(authenticator: SoftAuthenticator, email: string | null, kind: 'COOKIE' | 'SESSION_TOKEN' | 'JWT' = 'COOKIE', bend = {}) {
  const started = (await anonymous().request(BeginPasskeySignInDocument, { email })).data!.beginPasskeySignIn;
  const client = anonymous();
  const response = await client.request(FinishPasskeySignInDocument, {
    input: { flowToken: started.flowToken, response: authenticator.assert(started.options as { challenge: string }, bend), credentials: kind },
  });
  return { client, response, started };
}

describe('passkey registration (SEC-58)', () => {
  it('keeps a verified passkey: listed with its name, transports and device type; its challenge was single-use', async () => {
    const { client, passkey } = await userWithPasskey();
    expect(passkey).toMatchObject({ name: 'Laptop', transports: ['internal'], deviceType: 'singleDevice', backedUp: false, lastUsedAt: null });
    expect((await client.request(PasskeysDocument)).data!.passkeys.map((p) => p.id)).toEqual([passkey.id]);
  });

  it('asks for user verification and a resident key, and excludes the passkeys the user has', async () => {
    const { client, authenticator } = await userWithPasskey();
    const options = (await client.request(BeginPasskeyRegistrationDocument)).data!.beginPasskeyRegistration as Record<string, any>;
    expect(options.rp).toEqual({ name: 'Gatehouse', id: 'app.example.com' });
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'preferred', userVerification: 'required' });
    expect(options.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([authenticator.id]);
  });

  it.each([
    ['from another origin', { origin: 'https://evil.example.com' }],
    ['for another RP id', { rpId: 'evil.example.com' }],
    ['without user verification', { flags: 0x41 }],
    ['for a challenge we did not issue', { challenge: 'bm90LW91ci1jaGFsbGVuZ2U' }],
  ])('refuses a response %s', async (_label, bend) => {
    const { client } = await registerUser(server, 'COOKIE');
    const options = (await client.request(BeginPasskeyRegistrationDocument)).data!.beginPasskeyRegistration as { challenge: string };
    const response = new SoftAuthenticator('app.example.com', APP).register(options, bend);
    expect(errorCode(await client.request(FinishPasskeyRegistrationDocument, { input: { response } }))).toBe('PASSKEY_FAILED');
    expect((await client.request(PasskeysDocument)).data!.passkeys).toEqual([]);
  });

  it('a registration challenge works once, and only for the user it was issued to', async () => {
    const owner = await registerUser(server, 'COOKIE');
    const other = await registerUser(server, 'COOKIE');
    const options = (await owner.client.request(BeginPasskeyRegistrationDocument)).data!.beginPasskeyRegistration as { challenge: string };
    const response = new SoftAuthenticator('app.example.com', APP).register(options);
    expect(errorCode(await other.client.request(FinishPasskeyRegistrationDocument, { input: { response } }))).toBe('PASSKEY_FAILED');
    expect((await owner.client.request(FinishPasskeyRegistrationDocument, { input: { response } })).data?.finishPasskeyRegistration.name).toBe('Passkey');
    expect(errorCode(await owner.client.request(FinishPasskeyRegistrationDocument, { input: { response } }))).toBe('PASSKEY_FAILED');
  });

  it('needs a recent sign-in (SEC-33)', async () => {
    const { client } = await registerUser(server, 'COOKIE');
    clock.advance(6 * 60);
    expect(errorCode(await client.request(BeginPasskeyRegistrationDocument))).toBe('REAUTH_REQUIRED');
  });
});

describe.each(credentialKinds)('passkey sign-in for %s (SEC-58)', (kind) => {
  it('signs in with the passkey alone, at aal2 and with no second step even with TOTP on', async () => {
    const { client: owner, email, authenticator } = await userWithPasskey();
    await enableTotp(owner, clock);
    for (const named of [email, null]) {
      const { client, response } = await signInWith(authenticator, named, kind);
      const result = response.data?.finishPasskeySignIn;
      expect(result, response.text).toMatchObject({ __typename: 'AuthSuccess', user: { email }, session: { credentialKind: kind } });
      adopt(client, result as AuthSuccessFields, kind);
      expect(await whoAmI(client)).toBe(email);
    }
    const [row] = await sql<{ amr: string[]; second_factor_at: Date | null }>(server, 'select amr, second_factor_at from sessions where user_id = (select id from users where email = ?) order by created_at desc limit 1', [email]);
    expect(row!.amr).toEqual(expect.arrayContaining(['webauthn']));
    expect(row!.second_factor_at).not.toBeNull();
  });

  it('refuses a replayed flow, a wrong origin or RP id, no user verification, and a counter gone back', async () => {
    const { email, authenticator } = await userWithPasskey();
    const first = await signInWith(authenticator, email, kind);
    expect(first.response.data?.finishPasskeySignIn?.__typename).toBe('AuthSuccess');
    const replay = await anonymous().request(FinishPasskeySignInDocument, {
      input: { flowToken: first.started.flowToken, response: authenticator.assert(first.started.options as { challenge: string }), credentials: kind },
    });
    expect(errorCode(replay)).toBe('INVALID_TOKEN');
    for (const bend of [{ origin: 'https://evil.example.com' }, { rpId: 'evil.example.com' }, { flags: 0x01 }, { counter: 0 }]) {
      expect(errorCode((await signInWith(authenticator, email, kind, bend)).response), JSON.stringify(bend)).toBe('PASSKEY_FAILED');
    }
    // The counter going back, on the user's own trail (audit entries are written just after the answer).
    await eventually(async () => {
      const flagged = await sql(server, `select 1 from auth_events where type = 'PASSKEY_POSSIBLY_CLONED' and user_id = (select id from users where email = ?)`, [email]);
      expect(flagged).toHaveLength(1);
    }, 3000);
    authenticator.counter = 100; // the genuine authenticator, its counter moved on: the control
    expect((await signInWith(authenticator, email, kind)).response.data?.finishPasskeySignIn?.__typename).toBe('AuthSuccess');
  });

  it('a flow started for one account does not accept another account’s passkey', async () => {
    const victim = await userWithPasskey();
    const attacker = await userWithPasskey();
    expect(errorCode((await signInWith(attacker.authenticator, victim.email, kind)).response)).toBe('PASSKEY_FAILED');
  });
});

describe.each(credentialKinds)('a passkey as the second step, signing in for %s', (kind) => {
  it('login lists WEBAUTHN with options bound to the flow; the passkey finishes it, and only that flow', async () => {
    const { client: owner, email, authenticator } = await userWithPasskey();
    await enableTotp(owner, clock);
    const first = async () => {
      const step = (await anonymous().request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } })).data?.login;
      if (step?.__typename !== 'PendingStep') throw new Error('expected a second step');
      return step;
    };
    const [a, b] = [await first(), await first()];
    expect(a.methods).toEqual(['TOTP', 'RECOVERY_CODE', 'WEBAUTHN']);
    const options = a.passkeyOptions as { challenge: string; allowCredentials: { id: string }[] };
    expect(options.allowCredentials.map((c) => c.id)).toEqual([authenticator.id]);
    // The assertion for flow a's challenge does not finish flow b.
    const forA = authenticator.assert(options);
    expect(errorCode(await anonymous().request(CompleteSignInDocument, { input: { flowToken: b.flowToken!, webauthnResponse: forA } }))).toBe('INVALID_CREDENTIALS');
    const done = await anonymous().request(CompleteSignInDocument, { input: { flowToken: a.flowToken!, webauthnResponse: authenticator.assert(options) } });
    expect(done.data?.completeSignIn).toMatchObject({ __typename: 'AuthSuccess', session: { credentialKind: kind } });
  });
});

describe.each(credentialKinds)('stepping up with a passkey, %s (SEC-63)', (kind) => {
  it('reauthenticate takes a passkey assertion for its own options', async () => {
    const { client: owner, email, authenticator } = await userWithPasskey();
    await enableTotp(owner, clock);
    const { client, response } = await signInWith(authenticator, email, kind);
    adopt(client, response.data!.finishPasskeySignIn as AuthSuccessFields, kind);
    clock.advance(6 * 60);
    expect(errorCode(await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() }))).toBe('REAUTH_REQUIRED');
    const options = (await client.request(BeginPasskeyReauthenticationDocument)).data!.beginPasskeyReauthentication as { challenge: string };
    expect(errorCode(await client.request(ReauthenticateWithPasskeyDocument, { webauthnResponse: authenticator.assert(options, { flags: 0x01 }) }))).toBe('INVALID_CREDENTIALS');
    const fresh = (await client.request(BeginPasskeyReauthenticationDocument)).data!.beginPasskeyReauthentication as { challenge: string };
    expect((await client.request(ReauthenticateWithPasskeyDocument, { webauthnResponse: authenticator.assert(fresh) })).data?.reauthenticate).toBe(true);
    expect((await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() })).data?.requestEmailChange).toBe(true);
  });
});

describe('beginPasskeySignIn', () => {
  it('answers an address without passkeys like one with them: one credential to allow, a stable one', async () => {
    const { email } = await registerUser(server, 'COOKIE');
    const options = async (e: string) => (await anonymous().request(BeginPasskeySignInDocument, { email: e })).data!.beginPasskeySignIn.options as Record<string, any>;
    const [a, b] = [await options(email), await options(email)];
    expect(a.allowCredentials).toHaveLength(1);
    expect(a.allowCredentials[0].id).toBe(b.allowCredentials[0].id);
    expect(a.userVerification).toBe('required');
    expect(a.challenge).not.toBe(b.challenge);
    const discoverable = (await anonymous().request(BeginPasskeySignInDocument, {})).data!.beginPasskeySignIn.options as Record<string, any>;
    expect(discoverable.allowCredentials ?? []).toEqual([]);
  });

  it('sends the same statements for an address with passkeys, one without, and one with no account (SEC-58)', async () => {
    const { email: withPasskey } = await userWithPasskey();
    const { email: without } = await registerUser(server, 'COOKIE');
    const statements = async (email: string) => {
      await settled(server);
      const before = server.queries();
      await anonymous().request(BeginPasskeySignInDocument, { email });
      await settled(server); // its audit entry, written just after the answer, is counted every time
      return server.queries() - before;
    };
    const counts = [await statements(withPasskey), await statements(without), await statements(uniqueEmail('nobody'))];
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });
});

describe('an account with a passkey and no password', () => {
  it('registers without a password, signs in at once, adds a passkey and signs in with it; signInMethods lists it', async () => {
    const email = uniqueEmail('passkey-only');
    const client = anonymous();
    const registered = await client.request(RegisterDocument, { input: { email } });
    expect(registered.data?.register).toMatchObject({ __typename: 'AuthSuccess', user: { email } });
    const authenticator = new SoftAuthenticator('app.example.com', APP);
    const options = (await client.request(BeginPasskeyRegistrationDocument)).data!.beginPasskeyRegistration as { challenge: string };
    await client.request(FinishPasskeyRegistrationDocument, { input: { response: authenticator.register(options), name: 'Phone' } });
    const methods = (await client.request(SignInMethodsDocument)).data!.me!.signInMethods;
    expect(methods).toEqual([expect.objectContaining({ kind: 'PASSKEY', label: 'Phone' })]);
    expect((await signInWith(authenticator, email)).response.data?.finishPasskeySignIn?.__typename).toBe('AuthSuccess');
    expect(errorCode(await client.request(DeletePasskeyDocument, { id: methods[0]!.id! }))).toBe('LAST_SIGN_IN_METHOD');
  });

  it('without email sign-in or passkeys, a password is required', async () => {
    const strict = await startTestServer({ databaseUrl: server.databaseUrl, env: { PASSKEYS_ENABLED: 'false' } });
    try {
      const response = await new TestClient(strict.graphqlUrl).request(RegisterDocument, { input: { email: uniqueEmail() } });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.extensions?.field).toBe('password');
      expect(errorCode(await new TestClient(strict.graphqlUrl).request(BeginPasskeySignInDocument, {}))).toBe('FORBIDDEN'); // the off switch
    } finally {
      await strict.close();
    }
  });
});

describe('passwordless registration with EMAIL_VERIFICATION=mandatory and passkeys only', () => {
  let mailbox: Mailbox;
  let strict: TestServer;
  beforeAll(async () => {
    mailbox = await new Mailbox().start();
    strict = await startTestServer({ clock, databaseUrl: server.databaseUrl, env: { FRONTEND_URL: APP, SMTP_URL: mailbox.url, EMAIL_VERIFICATION: 'mandatory' } });
  });
  afterAll(async () => {
    await strict?.close();
    await mailbox?.close();
  });
  const SIGN_IN_MAIL = /^Sign in to/;

  it('is finished by the mailed link: it signs in once, proves the address, and the passkey added then is the way in', async () => {
    const email = uniqueEmail('finish-by-link');
    const client = new TestClient(strict.graphqlUrl);
    expect((await client.request(RegisterDocument, { input: { email } })).data?.register).toMatchObject({ __typename: 'PendingStep', step: 'VERIFY_EMAIL' });
    const mail = await mailbox.waitFor(email, SIGN_IN_MAIL);
    const signedIn = (await client.request(SignInWithEmailLinkDocument, { token: mail.token! })).data?.signInWithEmailLink;
    expect(signedIn).toMatchObject({ __typename: 'AuthSuccess', user: { email, emailVerified: true } });
    const authenticator = new SoftAuthenticator('app.example.com', APP);
    const options = (await client.request(BeginPasskeyRegistrationDocument)).data!.beginPasskeyRegistration as { challenge: string };
    expect((await client.request(FinishPasskeyRegistrationDocument, { input: { response: authenticator.register(options) } })).data).toBeTruthy();
    expect(errorCode(await new TestClient(strict.graphqlUrl).request(SignInWithEmailLinkDocument, { token: mail.token! }))).toBe('INVALID_TOKEN');
    const started = (await new TestClient(strict.graphqlUrl).request(BeginPasskeySignInDocument, { email })).data!.beginPasskeySignIn;
    const response = authenticator.assert(started.options as { challenge: string });
    expect((await new TestClient(strict.graphqlUrl).request(FinishPasskeySignInDocument, { input: { flowToken: started.flowToken, response } })).data?.finishPasskeySignIn?.__typename).toBe('AuthSuccess');
  });

  it('registering again re-mails the link while the account has no way in; once it has one, its owner gets the notice instead', async () => {
    const email = uniqueEmail('finish-again');
    await new TestClient(strict.graphqlUrl).request(RegisterDocument, { input: { email } });
    await mailbox.waitFor(email, SIGN_IN_MAIL);
    await new TestClient(strict.graphqlUrl).request(RegisterDocument, { input: { email } });
    const second = await mailbox.waitFor(email, SIGN_IN_MAIL, 2);
    await sql(strict, "update users set password_hash = 'x' where email = ?", [email]); // now it has a way in
    expect(errorCode(await new TestClient(strict.graphqlUrl).request(SignInWithEmailCodeDocument, { email, code: second.code! }))).toBe('FORBIDDEN');
    await new TestClient(strict.graphqlUrl).request(RegisterDocument, { input: { email } });
    await mailbox.waitFor(email, /^Someone tried to sign up/);
    await settled(strict);
    expect(mailbox.for(email).filter((m) => SIGN_IN_MAIL.test(m.subject))).toHaveLength(2);
  });

  it('does not turn email sign-in on: requestSignInEmail stays FORBIDDEN, and a link cannot sign in an account with a password', async () => {
    const { email } = await registerUser(server, 'COOKIE');
    expect(errorCode(await new TestClient(strict.graphqlUrl).request(RequestSignInEmailDocument, { email }))).toBe('FORBIDDEN');
    const passwordless = uniqueEmail('finish-then-password');
    await new TestClient(strict.graphqlUrl).request(RegisterDocument, { input: { email: passwordless } });
    const mail = await mailbox.waitFor(passwordless, SIGN_IN_MAIL);
    await sql(strict, "update users set password_hash = 'x' where email = ?", [passwordless]);
    expect(errorCode(await new TestClient(strict.graphqlUrl).request(SignInWithEmailLinkDocument, { token: mail.token! }))).toBe('FORBIDDEN');
    await sql(strict, 'update users set password_hash = null where email = ?', [passwordless]);
    expect((await new TestClient(strict.graphqlUrl).request(SignInWithEmailLinkDocument, { token: mail.token! })).data?.signInWithEmailLink?.__typename).toBe('AuthSuccess');
  });
});

describe('managing passkeys', () => {
  it('renames and deletes; someone else’s id is NOT_FOUND', async () => {
    const { client, passkey } = await userWithPasskey();
    const stranger = await registerUser(server, 'COOKIE');
    expect((await client.request(RenamePasskeyDocument, { id: passkey.id, name: '  Work laptop ' })).data?.renamePasskey.name).toBe('Work laptop');
    expect(errorCode(await stranger.client.request(DeletePasskeyDocument, { id: passkey.id }))).toBe('NOT_FOUND');
    expect((await client.request(DeletePasskeyDocument, { id: passkey.id })).data?.deletePasskey).toBe(true);
    expect((await client.request(PasskeysDocument)).data!.passkeys).toEqual([]);
  });

  it('never deletes the last way to sign in', async () => {
    const { client, email, passkey, authenticator } = await userWithPasskey();
    await sql(server, 'update users set password_hash = null where email = ?', [email]);
    expect(errorCode(await client.request(DeletePasskeyDocument, { id: passkey.id }))).toBe('LAST_SIGN_IN_METHOD');
    expect((await signInWith(authenticator, email)).response.data?.finishPasskeySignIn?.__typename).toBe('AuthSuccess');
    expect((await anonymous().request(LoginDocument, { input: { email, password: GOOD_PASSWORD } })).data?.login).toBeUndefined();
  });

  it('with email sign-in on, the address is a way in: the last passkey may go', async () => {
    const { client, email, passkey } = await userWithPasskey();
    await sql(server, 'update users set password_hash = null where email = ?', [email]);
    const withEmail = await startTestServer({ clock, databaseUrl: server.databaseUrl, env: { FRONTEND_URL: APP, EMAIL_SIGN_IN_ENABLED: 'true' } });
    try {
      expect((await client.clone(withEmail.graphqlUrl).request(DeletePasskeyDocument, { id: passkey.id })).data?.deletePasskey).toBe(true);
    } finally {
      await withEmail.close();
    }
  });
});
