import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, RequestEmailChangeDocument, RequestEmailVerificationDocument, RequestPasswordResetDocument, UnlockAccountDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { Mailbox } from '../../helpers/mailbox';
import { settled, startTestServer, type TestServer } from '../../helpers/test-server';

let mailbox: Mailbox;
let server: TestServer;
let shortLock: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  const env = {
    SMTP_URL: mailbox.url,
    RATE_LIMITS_ENABLED: 'true',
    RATE_LIMIT_LOGIN_FAILED_IP: '1000/60',
    RATE_LIMIT_LOGIN_IP: '1000/60',
    RATE_LIMIT_REGISTER_IP: '1000/60',
    RATE_LIMIT_PASSWORD_RESET_IP: '1000/60',
    RATE_LIMIT_PASSWORD_RESET_EMAIL: '1000/60',
    RATE_LIMIT_RESET_MAIL_RECIPIENT: '2/86400',
    RATE_LIMIT_VERIFICATION_MAIL_RECIPIENT: '2/86400',
    RATE_LIMIT_NOTICE_MAIL_RECIPIENT: '2/86400',
    RATE_LIMIT_VERIFICATION_IP: '1000/60',
    EMAIL_RESEND_COOLDOWN_SECONDS: '0',
  };
  server = await startTestServer({ env: { ...env, RATE_LIMIT_LOGIN_FAILED_ACCOUNT: '3/300', RATE_LIMIT_LOGIN_FAILED_DEVICE: '3/300' } });
  shortLock = await startTestServer({ env: { ...env, RATE_LIMIT_LOGIN_FAILED_ACCOUNT: '3/1' } });
});
afterAll(async () => {
  await Promise.all([server?.close(), shortLock?.close()]);
  await mailbox?.close();
});

const login = (s: TestServer, email: string, password: string, client = new TestClient(s.graphqlUrl), headers: Record<string, string> = {}) =>
  client.request(LoginDocument, { input: { email, password } }, { headers });
const signedIn = (response: Awaited<ReturnType<typeof login>>) => response.data?.login?.__typename === 'AuthSuccess';
const LOCKED = /account was locked/;
const lockMails = (email: string) => mailbox.for(email).filter((m) => LOCKED.test(m.subject));

/** Three wrong passwords from three strangers: the account is locked for unknown devices. */
async function lockOut(s: TestServer, email: string): Promise<void> {
  for (let i = 0; i < 3; i++) expect(errorCode(await login(s, email, `wrong password ${i}`))).toBe('INVALID_CREDENTIALS');
  expect(errorCode(await login(s, email, GOOD_PASSWORD))).toBe('RATE_LIMITED');
}

describe('account lockout', () => {
  it('locks after the failures, mails the owner once, and the mailed link unlocks it', async () => {
    const { email } = await registerUser(server);
    await lockOut(server, email);
    expect(errorCode(await login(server, email, GOOD_PASSWORD))).toBe('RATE_LIMITED'); // the right password too
    const notice = await mailbox.waitFor(email, LOCKED);
    expect(notice.link!.pathname).toBe('/unlock-account');
    await settled(server);
    expect(lockMails(email)).toHaveLength(1);

    expect((await new TestClient(server.graphqlUrl).request(UnlockAccountDocument, { token: notice.token! })).data?.unlockAccount).toBe(true);
    expect(signedIn(await login(server, email, GOOD_PASSWORD))).toBe(true);
    expect(errorCode(await new TestClient(server.graphqlUrl).request(UnlockAccountDocument, { token: notice.token! }))).toBe('INVALID_TOKEN');
  });

  it('locking an unknown address mails nobody and answers the same', async () => {
    const nobody = uniqueEmail('nobody');
    await lockOut(server, nobody);
    await settled(server);
    expect(mailbox.for(nobody)).toEqual([]);
  });

  it('ends by itself when its window has passed', async () => {
    const { email } = await registerUser(shortLock);
    await lockOut(shortLock, email);
    // The limiter keeps its own time (no clock can be injected), so this waits out a 1-second window.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(signedIn(await login(shortLock, email, GOOD_PASSWORD))).toBe(true);
  });
});

describe('device cookies: a stranger cannot lock the owner out (SEC-61)', () => {
  it('a browser that signed in before still signs in while the account is locked for everyone else', async () => {
    const owner = await registerUser(server); // the owner's browser now holds a device cookie
    expect([...owner.client.cookies.keys()]).toContain('gatehouse_device');
    await lockOut(server, owner.email);
    expect(signedIn(await login(server, owner.email, GOOD_PASSWORD, owner.client))).toBe(true);
    expect(errorCode(await login(server, owner.email, GOOD_PASSWORD))).toBe('RATE_LIMITED'); // a stranger still is not
  });

  it('an app that signed in before sends its device token as a header, with the same effect', async () => {
    const owner = await registerUser(server, 'SESSION_TOKEN');
    const deviceToken = owner.result.deviceToken!;
    expect(deviceToken).toMatch(/^gthd_/);
    await lockOut(server, owner.email);
    expect(signedIn(await login(server, owner.email, GOOD_PASSWORD, new TestClient(server.graphqlUrl), { 'gatehouse-device': deviceToken }))).toBe(true);
  });

  it('failures from a known device lock that device only, not the account', async () => {
    const owner = await registerUser(server);
    for (let i = 0; i < 3; i++) expect(errorCode(await login(server, owner.email, `wrong password ${i}`, owner.client))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await login(server, owner.email, GOOD_PASSWORD, owner.client))).toBe('RATE_LIMITED');
    expect(signedIn(await login(server, owner.email, GOOD_PASSWORD))).toBe(true); // another device
    await settled(server);
    expect(lockMails(owner.email)).toEqual([]);
  });

  it('a device token of another account, or a forged one, counts for nothing', async () => {
    const victim = await registerUser(server);
    const attacker = await registerUser(server, 'SESSION_TOKEN');
    const forged = `${attacker.result.deviceToken!.split('.').slice(0, 1).join('')}.${victim.result.user.id}.forged-signature`;
    for (const device of [attacker.result.deviceToken!, forged]) {
      const headers = { 'gatehouse-device': device };
      for (let i = 0; i < 3; i++) await login(server, victim.email, `wrong password ${i}`, new TestClient(server.graphqlUrl), headers);
    }
    expect(errorCode(await login(server, victim.email, GOOD_PASSWORD))).toBe('RATE_LIMITED');
  });

  it('success never counts toward the lock: 50 concurrent correct logins all sign in and lock nothing', async () => {
    const { email } = await registerUser(server);
    const responses = await Promise.all(Array.from({ length: 50 }, () => login(server, email, GOOD_PASSWORD)));
    expect(responses.filter(signedIn)).toHaveLength(50);
    // Two failures later the account is still open: none of the 50 counted.
    for (let i = 0; i < 2; i++) await login(server, email, `wrong password ${i}`);
    expect(signedIn(await login(server, email, GOOD_PASSWORD))).toBe(true);
    await settled(server);
    expect(lockMails(email)).toEqual([]);
  });
});

describe('mail a stranger can trigger is capped per recipient (SEC-61)', () => {
  it('at most one lock notice per account per hour, however often it is locked', async () => {
    const { email } = await registerUser(shortLock);
    await lockOut(shortLock, email);
    await mailbox.waitFor(email, LOCKED);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the 1-second lock ends by itself
    await lockOut(shortLock, email);
    await settled(shortLock);
    expect(lockMails(email)).toHaveLength(1);
  });

  it('at most RATE_LIMIT_RESET_MAIL_RECIPIENT reset mails per recipient and day; the answer stays the same', async () => {
    const { email } = await registerUser(server);
    for (let i = 0; i < 4; i++) {
      expect((await new TestClient(server.graphqlUrl).request(RequestPasswordResetDocument, { email })).data?.requestPasswordReset).toBe(true);
      await settled(server);
    }
    expect(mailbox.for(email).filter((m) => /Reset your/.test(m.subject))).toHaveLength(2);
  });

  it('at most RATE_LIMIT_VERIFICATION_MAIL_RECIPIENT verification mails per recipient and day', async () => {
    const { email } = await registerUser(server); // the first one
    for (let i = 0; i < 3; i++) {
      expect((await new TestClient(server.graphqlUrl).request(RequestEmailVerificationDocument, { email })).data?.requestEmailVerification).toBe(true);
      await settled(server);
    }
    expect(mailbox.for(email).filter((m) => /Confirm your email/.test(m.subject))).toHaveLength(2);
  });

  it('at most RATE_LIMIT_NOTICE_MAIL_RECIPIENT "someone tried your address" notices per recipient and day', async () => {
    const owner = await registerUser(server);
    const other = await registerUser(server);
    for (let i = 0; i < 4; i++) {
      expect((await other.client.request(RequestEmailChangeDocument, { newEmail: owner.email })).data?.requestEmailChange).toBe(true);
      await settled(server);
    }
    expect(mailbox.for(owner.email).filter((m) => /Someone tried/.test(m.subject))).toHaveLength(2);
  });
});
