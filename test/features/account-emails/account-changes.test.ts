import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  ConfirmEmailChangeDocument,
  CreateApiTokenDocument,
  DeleteAccountDocument,
  RegisterDocument,
  RequestEmailChangeDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
} from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, loginUser, refresh, registerUser, uniqueEmail, whoAmI, canLogin as canLoginAs } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let mailbox: Mailbox;
let server: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  server = await startTestServer({ clock, env: { SMTP_URL: mailbox.url } });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

const NEW_PASSWORD = 'a brand new passphrase';
const anonymous = () => new TestClient(server.graphqlUrl);
const canLogin = (email: string, password: string) => canLoginAs(server, email, password);
const passwordHashOf = async (email: string) =>
  (await sql<{ password_hash: string }>(server, 'select password_hash from users where email = ?', [email]))[0]?.password_hash;

describe.each(credentialKinds)('changePassword from a %s session', (kind) => {
  it('refuses a wrong current password and changes nothing (SEC-06)', async () => {
    const { client, email } = await registerUser(server, kind);
    const before = await passwordHashOf(email);
    const response = await client.request(ChangePasswordDocument, { input: { currentPassword: 'wrong password!', newPassword: NEW_PASSWORD } });
    expect(errorCode(response)).toBe('INVALID_CREDENTIALS');
    expect(response.errors?.[0]?.extensions?.field).toBe('currentPassword');
    expect(await passwordHashOf(email)).toBe(before);
  });

  it('ends every other session and refresh family, keeps this one, voids reset links, and mails a notice (SEC-07)', async () => {
    const { client, email } = await registerUser(server, kind);
    const others = await Promise.all(credentialKinds.map((k) => loginUser(server, email, k)));
    await anonymous().request(RequestPasswordResetDocument, { email });
    const pendingReset = (await mailbox.waitFor(email, /Reset your/)).token!;

    const response = await client.request(ChangePasswordDocument, { input: { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(response.data?.changePassword).toBe(true);
    expect(await whoAmI(client)).toBe(email);
    await eventually(async () => {
      for (const other of others) expect(await whoAmI(other.client)).toBe('UNAUTHENTICATED');
    });
    expect(errorCode(await refresh(others.find((o) => o.client.refreshToken)!.client))).toBe('UNAUTHENTICATED');
    expect(errorCode(await anonymous().request(ResetPasswordDocument, { input: { token: pendingReset, newPassword: 'attacker passphrase' } }))).toBe('INVALID_TOKEN');
    expect(await canLogin(email, NEW_PASSWORD)).toBe(true);
    expect(await canLogin(email, GOOD_PASSWORD)).toBe(false);
    await mailbox.waitFor(email, /password was changed/);
  });

  it('applies the password rules to the new password', async () => {
    const { client } = await registerUser(server, kind);
    const response = await client.request(ChangePasswordDocument, { input: { currentPassword: GOOD_PASSWORD, newPassword: 'short' } });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.extensions?.field).toBe('newPassword');
  });
});

describe('email change', () => {
  it('needs a recent sign-in (SEC-33)', async () => {
    const { client } = await registerUser(server);
    clock.advance(6 * 60);
    expect(errorCode(await client.request(RequestEmailChangeDocument, { newEmail: uniqueEmail() }))).toBe('REAUTH_REQUIRED');
  });

  it('mails a confirmation to the new address and a notice to the old; applies only when confirmed', async () => {
    const { client, email } = await registerUser(server);
    const newEmail = uniqueEmail('new');
    expect((await client.request(RequestEmailChangeDocument, { newEmail: newEmail.toUpperCase() })).data?.requestEmailChange).toBe(true);
    const confirmation = await mailbox.waitFor(newEmail, /Confirm your new email/);
    expect(confirmation.link!.pathname).toBe('/confirm-email-change');
    await mailbox.waitFor(email, /change of your .* email address was requested/);
    expect(await whoAmI(client)).toBe(email); // not yet

    const confirmed = await anonymous().request(ConfirmEmailChangeDocument, { token: confirmation.token! });
    expect(confirmed.data?.confirmEmailChange).toMatchObject({ email: newEmail, emailVerified: true });
    expect(await whoAmI(client)).toBe(newEmail);
    expect(await canLogin(newEmail, GOOD_PASSWORD)).toBe(true);
    expect(await canLogin(email, GOOD_PASSWORD)).toBe(false);
    await mailbox.waitFor(email, /email address was changed/);
    expect(errorCode(await anonymous().request(ConfirmEmailChangeDocument, { token: confirmation.token! }))).toBe('INVALID_TOKEN');
  });

  it('links mailed to the old address stop working once the address changes', async () => {
    const { client, email } = await registerUser(server);
    await anonymous().request(RequestPasswordResetDocument, { email });
    const oldReset = (await mailbox.waitFor(email, /Reset your/)).token!;
    const newEmail = uniqueEmail('moved');
    await client.request(RequestEmailChangeDocument, { newEmail });
    await anonymous().request(ConfirmEmailChangeDocument, { token: (await mailbox.waitFor(newEmail, /Confirm your new email/)).token! });
    expect(errorCode(await anonymous().request(ResetPasswordDocument, { input: { token: oldReset, newPassword: NEW_PASSWORD } }))).toBe('INVALID_TOKEN');
  });

  it('a taken address gets the same answer, no confirmation link, and its owner a notice', async () => {
    const { client } = await registerUser(server);
    const other = await registerUser(server);
    const response = await client.request(RequestEmailChangeDocument, { newEmail: other.email });
    expect(response.data?.requestEmailChange).toBe(true);
    await mailbox.waitFor(other.email, /Someone tried/);
    expect(mailbox.for(other.email).filter((m) => /Confirm your new email/.test(m.subject))).toEqual([]);
  });

  it('checks uniqueness again at confirmation', async () => {
    const { client } = await registerUser(server);
    const wanted = uniqueEmail('wanted');
    await client.request(RequestEmailChangeDocument, { newEmail: wanted });
    const token = (await mailbox.waitFor(wanted, /Confirm your new email/)).token!;
    await anonymous().request(RegisterDocument, { input: { email: wanted, password: GOOD_PASSWORD } });
    expect(errorCode(await anonymous().request(ConfirmEmailChangeDocument, { token }))).toBe('EMAIL_TAKEN');
  });
});

describe.each(credentialKinds)('deleteAccount from a %s session', (kind) => {
  it('refuses a wrong password', async () => {
    const { client, email } = await registerUser(server, kind);
    expect(errorCode(await client.request(DeleteAccountDocument, { password: 'wrong password!' }))).toBe('INVALID_CREDENTIALS');
    expect(await whoAmI(client)).toBe(email);
  });

  it('removes the user and every credential, and mails a notice (SEC-32)', async () => {
    const { client, email } = await registerUser(server, kind);
    const devices = await Promise.all(credentialKinds.map((k) => loginUser(server, email, k)));
    const apiToken = (await client.request(CreateApiTokenDocument, { input: { name: 'bot' } })).data!.createApiToken.token;

    expect((await client.request(DeleteAccountDocument, { password: GOOD_PASSWORD })).data?.deleteAccount).toBe(true);
    await eventually(async () => {
      for (const c of [client, ...devices.map((d) => d.client)]) expect(await whoAmI(c)).not.toBe(email);
      expect(await whoAmI(Object.assign(anonymous(), { authorization: `Bearer ${apiToken}` }))).toBe('UNAUTHENTICATED');
    });
    expect(await sql(server, 'select 1 from users where email = ?', [email])).toEqual([]);
    await mailbox.waitFor(email, /account was deleted/);
    // the address is free again
    expect((await anonymous().request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } })).data?.register?.__typename).toBe('AuthSuccess');
  });
});
