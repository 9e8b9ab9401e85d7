import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  ConfirmEmailChangeDocument,
  CreateApiTokenDocument,
  RequestEmailChangeDocument,
  RequestEmailVerificationDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  VerifyEmailDocument,
} from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, loginUser, registerUser, uniqueEmail, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

let mailbox: Mailbox;
let server: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  server = await startTestServer({ env: { SMTP_URL: mailbox.url } });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

const NEW_PASSWORD = 'a brand new passphrase';
const anonymous = () => new TestClient(server.graphqlUrl);
const emailOf = async (id: string) => (await sql<{ email: string }>(server, 'select email from users where id = ?', [id]))[0]?.email;

/** Resets the password of `email` through the mailed link, as the account's owner would. */
async function resetPassword(email: string, newPassword = NEW_PASSWORD): Promise<void> {
  const before = mailbox.for(email).filter((m) => /Reset your/.test(m.subject)).length;
  await anonymous().request(RequestPasswordResetDocument, { email });
  const { token } = await mailbox.waitFor(email, /Reset your/, before + 1);
  const response = await anonymous().request(ResetPasswordDocument, { input: { token: token!, newPassword } });
  expect(response.data?.resetPassword, response.text).toBe(true);
}

/** A pending email change of the signed-in `client`, to a fresh address; returns the link's token. */
async function pendingEmailChange(client: TestClient): Promise<{ token: string; newEmail: string }> {
  const newEmail = uniqueEmail('attacker');
  expect((await client.request(RequestEmailChangeDocument, { newEmail })).data?.requestEmailChange).toBe(true);
  return { token: (await mailbox.waitFor(newEmail, /Confirm your new email/)).token!, newEmail };
}

describe('a password reset (account recovery)', () => {
  it('voids a pending email change, so the link cannot move the account to another address (SEC-60)', async () => {
    // The audit's takeover: someone signed in asks to move the account to their address; the
    // owner then recovers the account by reset; the old link must not finish the move.
    const { client, email, result } = await registerUser(server);
    const change = await pendingEmailChange(client);
    await resetPassword(email);

    const confirmed = await anonymous().request(ConfirmEmailChangeDocument, { token: change.token });
    expect(errorCode(confirmed)).toBe('INVALID_TOKEN');
    expect(await emailOf(result.user.id)).toBe(email);
  });

  it('voids a pending verification link and every other pending mailed token (SEC-60)', async () => {
    const { client, email } = await registerUser(server);
    const verification = (await mailbox.waitFor(email, /Confirm your email address/)).token!;
    const change = await pendingEmailChange(client);
    await resetPassword(email);
    expect(errorCode(await anonymous().request(VerifyEmailDocument, { token: verification }))).toBe('INVALID_TOKEN');
    expect(errorCode(await anonymous().request(ConfirmEmailChangeDocument, { token: change.token }))).toBe('INVALID_TOKEN');
    const pending = await sql(server, 'select 1 from email_tokens t join users u on u.id = t.user_id where u.email = ? and t.used_at is null', [email]);
    expect(pending).toHaveLength(0);
  });

  it('revokes the API tokens of the account (SEC-60)', async () => {
    const { client, email } = await registerUser(server);
    const created = await client.request(CreateApiTokenDocument, { input: { name: 'ci' } });
    const apiClient = anonymous();
    apiClient.authorization = `Bearer ${created.data!.createApiToken.token}`;
    expect(await whoAmI(apiClient)).toBe(email);

    await resetPassword(email);
    await eventually(async () => expect(await whoAmI(apiClient)).toBe('UNAUTHENTICATED'));
  });

  it('keeps API tokens when REVOKE_API_TOKENS_ON_PASSWORD_RESET=false, and still ends every session (SEC-60)', async () => {
    const keeping = await startTestServer({ env: { SMTP_URL: mailbox.url, REVOKE_API_TOKENS_ON_PASSWORD_RESET: 'false' } });
    try {
      const { client, email } = await registerUser(keeping);
      const created = await client.request(CreateApiTokenDocument, { input: { name: 'ci' } });
      const apiClient = new TestClient(keeping.graphqlUrl);
      apiClient.authorization = `Bearer ${created.data!.createApiToken.token}`;

      await new TestClient(keeping.graphqlUrl).request(RequestPasswordResetDocument, { email });
      const { token } = await mailbox.waitFor(email, /Reset your/);
      await new TestClient(keeping.graphqlUrl).request(ResetPasswordDocument, { input: { token: token!, newPassword: NEW_PASSWORD } });

      expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
      expect(await whoAmI(apiClient)).toBe(email);
    } finally {
      await keeping.close();
    }
  });
});

describe.each(credentialKinds)('from a %s session', (kind) => {
  it('a password change voids every pending mailed token, the email change included (SEC-60)', async () => {
    const { client, email } = await registerUser(server, kind);
    const verification = (await mailbox.waitFor(email, /Confirm your email address/)).token!;
    const change = await pendingEmailChange(client);
    const response = await client.request(ChangePasswordDocument, { input: { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(response.data?.changePassword).toBe(true);

    expect(errorCode(await anonymous().request(VerifyEmailDocument, { token: verification }))).toBe('INVALID_TOKEN');
    expect(errorCode(await anonymous().request(ConfirmEmailChangeDocument, { token: change.token }))).toBe('INVALID_TOKEN');
    expect(await whoAmI(client)).toBe(email);
  });

  it('an email change voids links sent to the old address and keeps the sessions (SEC-60)', async () => {
    const { client, email } = await registerUser(server, kind);
    const other = await loginUser(server, email, 'SESSION_TOKEN');
    await anonymous().request(RequestPasswordResetDocument, { email });
    const reset = (await mailbox.waitFor(email, /Reset your/)).token!;
    const change = await pendingEmailChange(client);

    const confirmed = await client.request(ConfirmEmailChangeDocument, { token: change.token });
    expect(confirmed.data?.confirmEmailChange?.email, confirmed.text).toBe(change.newEmail);
    expect(await whoAmI(client)).toBe(change.newEmail);
    expect(await whoAmI(other.client)).toBe(change.newEmail);
    const resetResponse = await anonymous().request(ResetPasswordDocument, { input: { token: reset, newPassword: NEW_PASSWORD } });
    expect(errorCode(resetResponse)).toBe('INVALID_TOKEN');
  });
});

describe('deactivating a user (by SQL, as an operator would)', () => {
  it('revokes API tokens and voids pending mailed tokens, so reactivating brings none back (SEC-60)', async () => {
    const { client, email, result } = await registerUser(server);
    const created = await client.request(CreateApiTokenDocument, { input: { name: 'ci' } });
    const apiClient = anonymous();
    apiClient.authorization = `Bearer ${created.data!.createApiToken.token}`;
    await client.request(RequestEmailVerificationDocument, {});
    const verification = (await mailbox.waitFor(email, /Confirm your email address/)).token!;

    await sql(server, 'update users set is_active = false where id = ?', [result.user.id]);
    await sql(server, 'update users set is_active = true where id = ?', [result.user.id]);

    await eventually(async () => expect(await whoAmI(apiClient)).toBe('UNAUTHENTICATED'));
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
    expect(errorCode(await anonymous().request(VerifyEmailDocument, { token: verification }))).toBe('INVALID_TOKEN');
  });
});
