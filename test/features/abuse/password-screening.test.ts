import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangePasswordDocument, RegisterDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { freePort, startTestServer, type TestServer } from '../../helpers/test-server';

const BREACHED = 'a breached passphrase 42';
let hibp: Server;
let hibpRequests: string[] = [];
let server: TestServer;
let withHibp: TestServer;
let hibpDown: TestServer;
let hibpDownStrict: TestServer;
beforeAll(async () => {
  // A local stand-in for api.pwnedpasswords.com's range API.
  const sha1 = createHash('sha1').update(BREACHED).digest('hex').toUpperCase();
  hibp = createServer((req, res) => {
    hibpRequests.push(req.url ?? '');
    const prefix = (req.url ?? '').split('/').pop();
    res.end(prefix === sha1.slice(0, 5) ? `0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n${sha1.slice(5)}:3861493\r\n` : '0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n');
  });
  await new Promise<void>((resolve) => hibp.listen(0, '127.0.0.1', resolve));
  const hibpUrl = `http://127.0.0.1:${(hibp.address() as AddressInfo).port}`;
  const deadUrl = `http://127.0.0.1:${await freePort()}`;
  server = await startTestServer();
  withHibp = await startTestServer({ databaseUrl: server.databaseUrl, env: { HIBP_ENABLED: 'true', HIBP_API_URL: hibpUrl } });
  hibpDown = await startTestServer({ databaseUrl: server.databaseUrl, env: { HIBP_ENABLED: 'true', HIBP_API_URL: deadUrl } });
  hibpDownStrict = await startTestServer({ databaseUrl: server.databaseUrl, env: { HIBP_ENABLED: 'true', HIBP_API_URL: deadUrl, HIBP_FAIL_CLOSED: 'true' } });
});
afterAll(async () => {
  await Promise.all([server, withHibp, hibpDown, hibpDownStrict].map((s) => s?.close()));
  await new Promise((resolve) => hibp?.close(resolve));
});

const register = (s: TestServer, password: string, email = uniqueEmail()) =>
  new TestClient(s.graphqlUrl).request(RegisterDocument, { input: { email, password } });

describe('password screening (SEC-03)', () => {
  it.each([
    ['a common password', 'password1234'],
    ['a common password in capitals', 'PASSWORD1234'],
    ['a common word dressed with digits and symbols', '!!Password2025!'],
    ['the product name with a year', 'Gatehouse2025!'],
  ])('refuses %s with WEAK_PASSWORD on the field', async (_label, password) => {
    const response = await register(server, password);
    expect(errorCode(response)).toBe('WEAK_PASSWORD');
    expect(response.errors?.[0]?.extensions?.field).toBe('password');
    expect(response.errors?.[0]?.message).toMatch(/Choose another/);
  });

  it('refuses a password built from the email address', async () => {
    const email = `ada.lovelace-${Date.now()}@example.com`;
    expect(errorCode(await register(server, `${email.split('@')[0]}!!`, email))).toBe('WEAK_PASSWORD');
    expect(errorCode(await register(server, 'lovelace1815', `lovelace.${Date.now()}@example.com`))).toBe('WEAK_PASSWORD');
  });

  it('accepts a long passphrase, and applies to password changes too', async () => {
    const { client } = await registerUser(server, 'COOKIE', uniqueEmail(), GOOD_PASSWORD);
    const weak = await client.request(ChangePasswordDocument, { input: { currentPassword: GOOD_PASSWORD, newPassword: 'qwertyuiop123' } });
    expect(errorCode(weak)).toBe('WEAK_PASSWORD');
    expect(weak.errors?.[0]?.extensions?.field).toBe('newPassword');
  });
});

describe('Have I Been Pwned (optional)', () => {
  it('refuses a breached password, sending only the first five characters of its SHA-1', async () => {
    hibpRequests = [];
    expect(errorCode(await register(withHibp, BREACHED))).toBe('WEAK_PASSWORD');
    expect(hibpRequests).toEqual([`/range/${createHash('sha1').update(BREACHED).digest('hex').toUpperCase().slice(0, 5)}`]);
    expect((await register(withHibp, 'an unbreached passphrase 42')).data?.register?.__typename).toBe('AuthSuccess');
  });

  it('when unreachable, accepts by default and refuses with HIBP_FAIL_CLOSED=true', async () => {
    expect((await register(hibpDown, 'another fine passphrase')).data?.register?.__typename).toBe('AuthSuccess');
    const strict = await register(hibpDownStrict, 'another fine passphrase');
    expect(errorCode(strict)).toBe('WEAK_PASSWORD');
    expect(strict.errors?.[0]?.message).toMatch(/cannot be checked/);
  });
});
