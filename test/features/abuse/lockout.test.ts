import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, UnlockAccountDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { Mailbox } from '../../helpers/mailbox';
import { startTestServer, type TestServer } from '../../helpers/test-server';

let mailbox: Mailbox;
let server: TestServer;
let shortLock: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  const env = { SMTP_URL: mailbox.url, RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_LOGIN_FAILED_IP: '1000/60', RATE_LIMIT_LOGIN_IP: '1000/60', RATE_LIMIT_REGISTER_IP: '1000/60' };
  server = await startTestServer({ env: { ...env, RATE_LIMIT_LOGIN_FAILED_ACCOUNT: '3/300' } });
  shortLock = await startTestServer({ env: { ...env, RATE_LIMIT_LOGIN_FAILED_ACCOUNT: '3/1' } });
});
afterAll(async () => {
  await Promise.all([server?.close(), shortLock?.close()]);
  await mailbox?.close();
});

const login = (s: TestServer, email: string, password: string) => new TestClient(s.graphqlUrl).request(LoginDocument, { input: { email, password } });
const LOCKED = /account was locked/;

describe('account lockout', () => {
  it('locks after the failures, mails the owner once, and the mailed link unlocks it', async () => {
    const { email } = await registerUser(server);
    for (let i = 0; i < 3; i++) expect(errorCode(await login(server, email, `wrong password ${i}`))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await login(server, email, GOOD_PASSWORD))).toBe('RATE_LIMITED'); // the right password too
    expect(errorCode(await login(server, email, GOOD_PASSWORD))).toBe('RATE_LIMITED');
    const notice = await mailbox.waitFor(email, LOCKED);
    expect(notice.link!.pathname).toBe('/unlock-account');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mailbox.for(email).filter((m) => LOCKED.test(m.subject))).toHaveLength(1);

    expect((await new TestClient(server.graphqlUrl).request(UnlockAccountDocument, { token: notice.token! })).data?.unlockAccount).toBe(true);
    expect((await login(server, email, GOOD_PASSWORD)).data?.login?.__typename).toBe('AuthSuccess');
    expect(errorCode(await new TestClient(server.graphqlUrl).request(UnlockAccountDocument, { token: notice.token! }))).toBe('INVALID_TOKEN');
  });

  it('locking an unknown address mails nobody and answers the same', async () => {
    const nobody = uniqueEmail('nobody');
    for (let i = 0; i < 3; i++) expect(errorCode(await login(server, nobody, `wrong password ${i}`))).toBe('INVALID_CREDENTIALS');
    expect(errorCode(await login(server, nobody, GOOD_PASSWORD))).toBe('RATE_LIMITED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mailbox.for(nobody)).toEqual([]);
  });

  it('ends by itself when its window has passed', async () => {
    const { email } = await registerUser(shortLock);
    for (let i = 0; i < 3; i++) await login(shortLock, email, `wrong password ${i}`);
    expect(errorCode(await login(shortLock, email, GOOD_PASSWORD))).toBe('RATE_LIMITED');
    // The limiter keeps its own time (no clock can be injected), so this waits out a 1-second window.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await login(shortLock, email, GOOD_PASSWORD)).data?.login?.__typename).toBe('AuthSuccess');
  });
});
