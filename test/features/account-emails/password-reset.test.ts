import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterDocument, RequestPasswordResetDocument, ResetPasswordDocument, VerifyEmailDocument } from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, loginUser, refresh, registerUser, uniqueEmail, whoAmI, canLogin as canLoginAs } from '../../helpers/accounts';
import { errorCode, type GraphQLResponse, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { settled, sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let mailbox: Mailbox;
let server: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  server = await startTestServer({ clock, env: { SMTP_URL: mailbox.url, FRONTEND_URL: 'https://app.example.com' } });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

const NEW_PASSWORD = 'a brand new passphrase';
const RESET = /Reset your/;
const anonymous = () => new TestClient(server.graphqlUrl);
const requestReset = (email: string) => anonymous().request(RequestPasswordResetDocument, { email });
const reset = (token: string, newPassword = NEW_PASSWORD) => anonymous().request(ResetPasswordDocument, { input: { token, newPassword } });
const canLogin = (email: string, password: string) => canLoginAs(server, email, password);
const observable = (r: GraphQLResponse<unknown>) => ({ status: r.status, text: r.text, headers: [...r.headers].filter(([k]) => k !== 'date' && k !== 'x-request-id') }); // per response by design

async function resetLink(email: string, n = 1): Promise<string> {
  return (await mailbox.waitFor(email, RESET, n)).token!;
}

describe('password reset', () => {
  it('mails in the language the browser prefers among those shipped, English otherwise', async () => {
    const { email } = await registerUser(server);
    await anonymous().request(RequestPasswordResetDocument, { email }, { headers: { 'accept-language': 'fr-CH, fr;q=0.9, de;q=0.8, en;q=0.5' } });
    const german = await mailbox.waitFor(email, /Passwort zurück/);
    expect(german.text).toContain('Neues Passwort wählen');
    const other = (await registerUser(server)).email;
    await anonymous().request(RequestPasswordResetDocument, { email: other }, { headers: { 'accept-language': 'fr' } });
    expect((await mailbox.waitFor(other, RESET)).text).toContain('Choose a new password');
  });

  it('answers a known and an unknown address identically and mails only the known one (SEC-20)', async () => {
    const { email } = await registerUser(server);
    const nobody = uniqueEmail('nobody');
    const known = await requestReset(email);
    const unknown = await requestReset(nobody);
    expect(known.data?.requestPasswordReset).toBe(true);
    expect(observable(unknown)).toEqual(observable(known));
    const mail = await mailbox.waitFor(email, RESET);
    expect(mail.link!.toString()).toMatch(/^https:\/\/app\.example\.com\/reset-password\?token=gthe_/);
    await settled(server);
    expect(mailbox.for(nobody)).toEqual([]);
  });

  it('mails the address as stored, never as typed (SEC-17)', async () => {
    const { email } = await registerUser(server);
    await requestReset(`  ${email.toUpperCase()}`);
    const mail = await mailbox.waitFor(email, RESET);
    expect(mail.to).toEqual([email]);
    // a look-alike that lower-cases onto nothing valid is refused before any lookup
    expect(errorCode(await requestReset(email.replace('u', 'ı')))).toBe('BAD_USER_INPUT');
  });

  it('sets the new password once, without signing in, and notifies the owner (SEC-22, SEC-26)', async () => {
    const { email } = await registerUser(server);
    await requestReset(email);
    const token = await resetLink(email);
    expect(await sql(server, 'select 1 from email_tokens where token_hash = ?', [createHash('sha256').update(token).digest('hex')])).toHaveLength(1);

    const response = await reset(token);
    expect(response.data?.resetPassword).toBe(true);
    expect(response.setCookies).toEqual([]);
    expect(await canLogin(email, NEW_PASSWORD)).toBe(true);
    expect(await canLogin(email, GOOD_PASSWORD)).toBe(false);
    await mailbox.waitFor(email, /password was changed/);

    expect(errorCode(await reset(token, 'yet another passphrase'))).toBe('INVALID_TOKEN');
    expect(await canLogin(email, NEW_PASSWORD)).toBe(true);
  });

  it('ends every session and refresh family of the user (SEC-07)', async () => {
    const { email } = await registerUser(server);
    const devices = await Promise.all(credentialKinds.map((kind) => loginUser(server, email, kind)));
    await requestReset(email);
    await reset(await resetLink(email));
    await eventually(async () => {
      for (const device of devices) expect(await whoAmI(device.client)).toBe('UNAUTHENTICATED');
    });
    const jwt = devices.find((d) => d.client.refreshToken)!;
    expect(errorCode(await refresh(jwt.client))).toBe('UNAUTHENTICATED');
  });

  it('works for one hour and not a second longer (SEC-23)', async () => {
    const [early, late] = [await registerUser(server), await registerUser(server)];
    await requestReset(early.email);
    await requestReset(late.email);
    const [earlyToken, lateToken] = [await resetLink(early.email), await resetLink(late.email)];
    clock.advance(60 * 60 - 1);
    expect((await reset(earlyToken)).data?.resetPassword).toBe(true);
    clock.advance(2);
    expect(errorCode(await reset(lateToken))).toBe('INVALID_TOKEN');
  });

  it('a newer request voids the older link (SEC-23)', async () => {
    const { email } = await registerUser(server);
    await requestReset(email);
    const older = await resetLink(email);
    await requestReset(email);
    const newer = await resetLink(email, 2);
    expect(errorCode(await reset(older))).toBe('INVALID_TOKEN');
    expect((await reset(newer)).data?.resetPassword).toBe(true);
  });

  it('of 20 racing resets with one token exactly one wins; no loser’s password ever works (SEC-22)', async () => {
    const { email } = await registerUser(server);
    await requestReset(email);
    const token = await resetLink(email);
    const passwords = Array.from({ length: 20 }, (_, i) => `racing passphrase number ${i}`);
    const responses = await Promise.all(passwords.map((p) => reset(token, p)));
    const winners = passwords.filter((_, i) => responses[i]!.data?.resetPassword === true);
    expect(winners).toHaveLength(1);
    expect(responses.filter((r) => errorCode(r) === 'INVALID_TOKEN')).toHaveLength(19);
    for (const p of passwords) expect(await canLogin(email, p)).toBe(p === winners[0]);
  });

  it('a weak new password is refused without spending the token', async () => {
    const { email } = await registerUser(server);
    await requestReset(email);
    const token = await resetLink(email);
    const weak = await reset(token, 'short');
    expect(errorCode(weak)).toBe('BAD_USER_INPUT');
    expect(weak.errors?.[0]?.extensions?.field).toBe('newPassword');
    expect((await reset(token)).data?.resetPassword).toBe(true);
  });

  it('a token of another purpose does not reset, and a reset token does not verify (SEC-21)', async () => {
    const { email } = await registerUser(server);
    const verifyToken = (await mailbox.waitFor(email, /Confirm your email/)).token!;
    expect(errorCode(await reset(verifyToken))).toBe('INVALID_TOKEN');
    await requestReset(email);
    const resetToken = await resetLink(email);
    expect(errorCode(await anonymous().request(VerifyEmailDocument, { token: resetToken }))).toBe('INVALID_TOKEN');
    expect((await reset(resetToken)).data?.resetPassword).toBe(true);
  });

  it('a failing or silent SMTP server changes no answer and holds up no mutation; mail goes out once it is back', async () => {
    mailbox.hang();
    try {
      const email = uniqueEmail();
      const registered = await anonymous().request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } });
      expect(registered.data?.register?.__typename).toBe('AuthSuccess');
      expect((await requestReset(email)).data?.requestPasswordReset).toBe(true);
    } finally {
      mailbox.accept();
    }
    mailbox.refuse();
    const email = uniqueEmail();
    try {
      expect((await anonymous().request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } })).data?.register?.__typename).toBe('AuthSuccess');
      await settled(server); // the first attempt is refused
    } finally {
      mailbox.accept();
    }
    await mailbox.waitFor(email, /Confirm your email/, 1, 5000); // the retry gets through
  });
});
