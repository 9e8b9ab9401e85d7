import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiTokenDocument, LoginDocument, LogoutDocument, SecurityEventsDocument } from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, loginUser, registerUser, uniqueEmail } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { eventually } from '../../helpers/eventually';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe.each(credentialKinds)('the audit trail, read from a %s session (SEC-15)', (kind) => {
  it('records sign-ins, failures, token creation and logout, and lets users read their own, newest first', async () => {
    const { email, password } = await registerUser(server, kind, uniqueEmail(), GOOD_PASSWORD);
    const failed = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: 'wrong password!' } }, { headers: { 'user-agent': 'audit-test' } });
    expect(errorCode(failed)).toBe('INVALID_CREDENTIALS');
    const device = await loginUser(server, email, 'JWT', password);
    await device.client.request(CreateApiTokenDocument, { input: { name: 'audited' } });
    await device.client.request(LogoutDocument, { everywhere: false });
    const stranger = await registerUser(server, kind);

    const me = await loginUser(server, email, kind, password);
    await eventually(async () => {
      const page = (await me.client.request(SecurityEventsDocument, { first: 10 })).data!.securityEvents;
      expect(page.events.map((e) => [e.type, e.success])).toEqual([
        ['LOGIN', true],
        ['LOGOUT', true],
        ['CREATE_API_TOKEN', true],
        ['LOGIN', true],
        ['LOGIN', false],
        ['REGISTER', true],
      ]);
      const failure = page.events[4]!;
      expect(failure).toMatchObject({ detail: 'INVALID_CREDENTIALS', ipAddress: expect.stringMatching(/127\.0\.0\.1/), userAgent: 'audit-test' });
      expect(page.events[3]!.credentialKind).toBe('JWT');
    }, 3000);
    // strangers' events are theirs alone
    const theirs = (await stranger.client.request(SecurityEventsDocument, {})).data!.securityEvents.events;
    expect(theirs.map((e) => e.type)).toEqual(['REGISTER']);
  });
});

describe('the audit trail', () => {
  it('pages with a cursor', async () => {
    const { client, email, password } = await registerUser(server);
    for (let i = 0; i < 3; i++) await loginUser(server, email, 'COOKIE', password);
    await eventually(async () => expect((await client.request(SecurityEventsDocument, { first: 100 })).data!.securityEvents.events).toHaveLength(4), 3000);
    const first = (await client.request(SecurityEventsDocument, { first: 3 })).data!.securityEvents;
    expect(first).toMatchObject({ hasMore: true });
    const second = (await client.request(SecurityEventsDocument, { first: 3, after: first.endCursor })).data!.securityEvents;
    expect(second.events.map((e) => e.type)).toEqual(['REGISTER']);
    expect(second.hasMore).toBe(false);
    expect(errorCode(await client.request(SecurityEventsDocument, { first: 1000 }))).toBe('BAD_USER_INPUT');
  });

  it('stores no secret: no password or token appears in any entry', async () => {
    const { email, password, result } = await registerUser(server, 'JWT');
    await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: 'a wrong secret guess' } });
    await eventually(async () => expect(await sql(server, 'select 1 from auth_events where detail = ?', ['INVALID_CREDENTIALS'])).not.toHaveLength(0), 3000);
    const dump = JSON.stringify(await sql(server, 'select * from auth_events'));
    for (const secret of [password, 'a wrong secret guess', result.accessToken!, result.refreshToken!]) expect(dump).not.toContain(secret);
  });
});
