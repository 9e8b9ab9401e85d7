import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  ConfirmEmailChangeDocument,
  DeleteAccountDocument,
  RegisterDocument,
  RequestEmailChangeDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
} from '../generated/graphql';
import { GOOD_PASSWORD, loginUser, refresh, registerUser, uniqueEmail, whoAmI, canLogin as canLoginAs } from '../helpers/accounts';
import { errorCode, TestClient } from '../helpers/client';
import { eventually } from '../helpers/eventually';
import { injectFault, literal } from '../helpers/faults';
import { Mailbox } from '../helpers/mailbox';
import { sql, startTestServer, type TestServer } from '../helpers/test-server';

/**
 * Every change that must hold together commits in one transaction (SEC-62): when PostgreSQL fails
 * a statement midway (here a trigger raises, as a killed or timed-out statement would), the client
 * gets INTERNAL_SERVER_ERROR, and nothing of the change happened: no new password with old
 * sessions still alive, no spent link, no user without its session.
 */
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
const canLogin = (email: string, password: string) => canLoginAs(server, email, password);
/** Session revocations of this user fail, whatever statement makes them. */
const failRevocations = (userId: string) => injectFault(server, 'sessions', 'update', `new.user_id = ${literal(userId)} and new.revoked_at is not null`);

describe('when a statement fails midway, nothing of the change happens (SEC-62)', () => {
  it('resetPassword: the old password and every session still work, and the link can be used once the fault is gone', async () => {
    const { client, email, result } = await registerUser(server);
    const jwt = await loginUser(server, email, 'JWT');
    await anonymous().request(RequestPasswordResetDocument, { email });
    const { token } = await mailbox.waitFor(email, /Reset your/);

    const fault = await failRevocations(result.user.id);
    const failed = await anonymous().request(ResetPasswordDocument, { input: { token: token!, newPassword: NEW_PASSWORD } });
    await fault.remove();
    expect(errorCode(failed)).toBe('INTERNAL_SERVER_ERROR');
    expect(failed.text).not.toMatch(/injected|sessions|trigger/i);
    expect(await canLogin(email, GOOD_PASSWORD)).toBe(true);
    expect(await canLogin(email, NEW_PASSWORD)).toBe(false);
    expect(await whoAmI(client)).toBe(email);
    expect((await refresh(jwt.client)).data?.refreshToken?.__typename).toBe('AuthSuccess');

    const retried = await anonymous().request(ResetPasswordDocument, { input: { token: token!, newPassword: NEW_PASSWORD } });
    expect(retried.data?.resetPassword, retried.text).toBe(true);
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
  });

  it('resetPassword, the audit’s reproduction: the revocation blocked by a lock and its backend killed leaves the password unchanged', async () => {
    const { client, email } = await registerUser(server);
    await anonymous().request(RequestPasswordResetDocument, { email });
    const { token } = await mailbox.waitFor(email, /Reset your/);
    const locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
    let failed;
    try {
      await locker.query('begin');
      await locker.query('lock table sessions in share mode');
      const pending = anonymous().request(ResetPasswordDocument, { input: { token: token!, newPassword: NEW_PASSWORD } });
      let pid = 0;
      await eventually(async () => {
        const { rows } = await locker.query<{ pid: number }>(
          // The one backend waiting for a lock: the reset's UPDATE of sessions (the only table locked).
          `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
        );
        expect(rows).toHaveLength(1);
        pid = rows[0]!.pid;
      }, 5000);
      await locker.query('select pg_terminate_backend($1)', [pid]);
      failed = await pending;
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    expect(errorCode(failed)).toBe('SERVICE_UNAVAILABLE'); // a dropped connection, to be retried
    expect(await canLogin(email, GOOD_PASSWORD)).toBe(true);
    expect(await canLogin(email, NEW_PASSWORD)).toBe(false);
    expect(await whoAmI(client)).toBe(email);
  });

  it('changePassword: the password is unchanged and the other sessions stay signed in', async () => {
    const { client, email, result } = await registerUser(server);
    const other = await loginUser(server, email, 'SESSION_TOKEN');
    const fault = await failRevocations(result.user.id);
    const failed = await client.request(ChangePasswordDocument, { input: { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD } });
    await fault.remove();
    expect(errorCode(failed)).toBe('INTERNAL_SERVER_ERROR');
    expect(await canLogin(email, GOOD_PASSWORD)).toBe(true);
    expect(await whoAmI(other.client)).toBe(email);
  });

  it('confirmEmailChange: the address is unchanged and the link still works', async () => {
    const { client, email, result } = await registerUser(server, 'SESSION_TOKEN');
    const newEmail = uniqueEmail('new');
    await client.request(RequestEmailChangeDocument, { newEmail });
    const { token } = await mailbox.waitFor(newEmail, /Confirm your new email/);

    const fault = await injectFault(server, 'users', 'update', `old.id = ${literal(result.user.id)}`);
    const failed = await client.request(ConfirmEmailChangeDocument, { token: token! });
    await fault.remove();
    expect(errorCode(failed)).toBe('INTERNAL_SERVER_ERROR');
    expect((await sql<{ email: string }>(server, 'select email from users where id = ?', [result.user.id]))[0]?.email).toBe(email);
    const retried = await client.request(ConfirmEmailChangeDocument, { token: token! });
    expect(retried.data?.confirmEmailChange?.email, retried.text).toBe(newEmail);
  });

  it('refreshToken: the presented refresh token still works', async () => {
    const { client, result } = await registerUser(server, 'JWT');
    const fault = await injectFault(server, 'refresh_tokens', 'insert', `true and exists (select 1 from sessions s where s.id = new.session_id and s.user_id = ${literal(result.user.id)})`);
    const failed = await refresh(client.clone());
    await fault.remove();
    expect(errorCode(failed)).toBe('INTERNAL_SERVER_ERROR');
    const retried = await refresh(client);
    expect(retried.data?.refreshToken?.__typename, retried.text).toBe('AuthSuccess');
  });

  it('deleteAccount: the account and its sessions are all still there', async () => {
    const { client, email, result } = await registerUser(server);
    const other = await loginUser(server, email, 'JWT');
    const fault = await injectFault(server, 'users', 'delete', `old.id = ${literal(result.user.id)}`);
    const failed = await client.request(DeleteAccountDocument, { password: GOOD_PASSWORD });
    await fault.remove();
    expect(errorCode(failed)).toBe('INTERNAL_SERVER_ERROR');
    expect(await whoAmI(client)).toBe(email);
    expect(await whoAmI(other.client)).toBe(email);
  });

  it('register: no user is left without its session and verification link, and a retry succeeds (not EMAIL_TAKEN)', async () => {
    const email = uniqueEmail('register');
    const fault = await injectFault(server, 'email_tokens', 'insert', `new.email = ${literal(email)}`);
    const failed = await anonymous().request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } });
    await fault.remove();
    expect(errorCode(failed)).toBe('INTERNAL_SERVER_ERROR');
    expect(await sql(server, 'select 1 from users where email = ?', [email])).toHaveLength(0);

    const retried = await anonymous().request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(retried.data?.register?.__typename, retried.text).toBe('AuthSuccess');
  });

  it('the failed statement is logged for diagnosis, without the values it carried (SEC-15)', async () => {
    const lines: string[] = [];
    const logged = await startTestServer({ env: { LOG_LEVEL: 'error' }, logDestination: { write: (line: string) => void lines.push(line) } });
    try {
      const email = uniqueEmail('logged');
      const fault = await injectFault(logged, 'users', 'insert', `new.email = ${literal(email)}`);
      const failed = await new TestClient(logged.graphqlUrl).request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } });
      await fault.remove();
      expect(errorCode(failed)).toBe('INTERNAL_SERVER_ERROR');
      const log = lines.join('\n');
      expect(log).toMatch(/insert into \\"users\\"/); // the statement is there
      expect(log).toMatch(/injected fault/); // and why it failed
      expect(log).not.toContain(email);
      expect(log).not.toContain('$argon2id$');
    } finally {
      await logged.close();
    }
  });
});
