import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiTokenDocument, CredentialsDocument, RevokeCredentialDocument } from '../../generated/graphql';
import { credentialKinds, loginUser, registerUser, whoAmI } from '../../helpers/accounts';
import { errorCode } from '../../helpers/client';
import { startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe.each(credentialKinds)('credentials, seen from a %s session', (kind) => {
  it('lists every browser session, app session, JWT family and API token, marking the current one', async () => {
    const me = await registerUser(server, kind, undefined);
    const devices = await Promise.all(credentialKinds.map((k) => loginUser(server, me.email, k)));
    const token = (await me.client.request(CreateApiTokenDocument, { input: { name: 'laptop' } })).data!.createApiToken;

    const listed = (await me.client.request(CredentialsDocument)).data!.credentials;
    expect(listed).toHaveLength(1 + devices.length + 1);
    expect(listed.filter((c) => c.current).map((c) => c.id)).toEqual([me.result.session.id]);
    expect(listed.find((c) => c.id === token.apiToken.id)).toMatchObject({ kind: 'API_TOKEN', name: 'laptop' });
    for (const device of devices) {
      expect(listed.find((c) => c.id === device.result.session.id)).toMatchObject({ kind: device.result.session.credentialKind, current: false });
    }
    expect(listed.every((c) => c.expiresAt && Date.parse(c.expiresAt) > Date.now())).toBe(true);
  });

  it('revokeCredential ends another device at once; someone else’s id is NOT_FOUND (SEC-53)', async () => {
    const me = await registerUser(server, kind);
    const device = await loginUser(server, me.email, 'SESSION_TOKEN');
    const stranger = await registerUser(server, kind);

    const theft = await stranger.client.request(RevokeCredentialDocument, { id: device.result.session.id });
    expect(errorCode(theft)).toBe('NOT_FOUND');
    expect(await whoAmI(device.client)).toBe(me.email);

    expect((await me.client.request(RevokeCredentialDocument, { id: device.result.session.id })).data?.revokeCredential).toBe(true);
    expect(await whoAmI(device.client)).toBe('UNAUTHENTICATED');
    expect(errorCode(await me.client.request(RevokeCredentialDocument, { id: device.result.session.id }))).toBe('NOT_FOUND');
    expect(errorCode(await me.client.request(RevokeCredentialDocument, { id: "'; drop table sessions; --" }))).toBe('NOT_FOUND');
  });

  it('revoking the current credential signs this client out', async () => {
    const me = await registerUser(server, kind);
    expect((await me.client.request(RevokeCredentialDocument, { id: me.result.session.id })).data?.revokeCredential).toBe(true);
    const after = await whoAmI(me.client);
    expect(after === 'UNAUTHENTICATED' || after === null).toBe(true); // a cookie is also cleared
  });

  it('need a signed-in caller', async () => {
    const anonymous = (await registerUser(server, kind)).client.clone();
    anonymous.cookies.clear();
    anonymous.authorization = undefined;
    expect(errorCode(await anonymous.request(CredentialsDocument))).toBe('UNAUTHENTICATED');
  });
});
