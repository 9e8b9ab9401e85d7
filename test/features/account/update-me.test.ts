import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, RequestPasswordResetDocument, UpdateMeDocument } from '../../generated/graphql';
import { callerKinds, registerUser, signInAs } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { Mailbox } from '../../helpers/mailbox';
import { startTestServer, type TestServer } from '../../helpers/test-server';

let mailbox: Mailbox;
let server: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  server = await startTestServer({ env: { SMTP_URL: mailbox.url, AUTH_BASIC_ENABLED: 'true' } });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

describe.each(callerKinds)('updateMe over %s', (kind) => {
  it('changes the display name and the mail language; a field left out stays, null clears it', async () => {
    const { client, email } = await signInAs(server, kind);
    const changed = await client.request(UpdateMeDocument, { input: { displayName: '  Ada Lovelace ', locale: 'DE' } });
    expect(changed.data?.updateMe).toEqual({ email, displayName: 'Ada Lovelace', locale: 'de', roles: ['user'] });
    expect((await client.request(UpdateMeDocument, { input: { locale: null } })).data?.updateMe).toMatchObject({ displayName: 'Ada Lovelace', locale: null });
    expect((await client.request(UpdateMeDocument, { input: { displayName: null } })).data?.updateMe.displayName).toBeNull();
    expect((await client.request(MeDocument)).data?.me?.email).toBe(email);
  });
});

describe('updateMe', () => {
  it('refuses a locale that is not shipped and a display name with hidden characters, naming the field', async () => {
    const { client } = await registerUser(server);
    const locale = await client.request(UpdateMeDocument, { input: { locale: 'xx' } });
    expect([errorCode(locale), locale.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'locale']);
    const name = await client.request(UpdateMeDocument, { input: { displayName: 'Eve\u202eevil' } });
    expect([errorCode(name), name.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'displayName']);
    expect(errorCode(await new TestClient(server.graphqlUrl).request(UpdateMeDocument, { input: { displayName: 'x' } }))).toBe('UNAUTHENTICATED');
  });

  it('never takes email, roles or verification as input (SEC-18)', async () => {
    const { client } = await registerUser(server);
    for (const extra of [{ roles: ['admin'] }, { email: 'other@example.com' }, { emailVerified: true }]) {
      const body = JSON.stringify({ query: 'mutation($input: UpdateMeInput!) { updateMe(input: $input) { roles } }', variables: { input: { displayName: 'x', ...extra } } });
      expect(errorCode(await client.post(body))).toBe('BAD_USER_INPUT');
    }
    expect((await client.request(UpdateMeDocument, { input: {} })).data?.updateMe).toMatchObject({ roles: ['user'], displayName: null });
  });

  it('mails in the user’s chosen language, whatever the request’s Accept-Language', async () => {
    const { client, email } = await registerUser(server);
    await client.request(UpdateMeDocument, { input: { locale: 'de' } });
    await new TestClient(server.graphqlUrl).request(RequestPasswordResetDocument, { email }, { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect((await mailbox.waitFor(email, /Passwort/)).subject).toMatch(/^Setzen Sie Ihr/);
  });
});
