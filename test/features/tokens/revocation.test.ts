import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CredentialsDocument, LogoutDocument, RevokeCredentialDocument } from '../../generated/graphql';
import { loginUser, registerUser, whoAmI } from '../../helpers/accounts';
import { adminQuery } from '../../helpers/database';
import { eventually } from '../../helpers/eventually';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

// Two instances of Gatehouse on one database, as behind a load balancer.
let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  a = await startTestServer();
  b = await startTestServer({ databaseUrl: a.databaseUrl });
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe('revoking a live access JWT reaches every instance within one second (SEC-38)', () => {
  it('logout on one instance: the access token fails on the other', async () => {
    const { client, email } = await registerUser(a, 'JWT');
    const onB = client.clone(b.graphqlUrl);
    expect(await whoAmI(onB)).toBe(email);
    await client.request(LogoutDocument, { everywhere: false });
    await eventually(async () => expect(await whoAmI(onB)).toBe('UNAUTHENTICATED'), 1000);
  });

  it('logout everywhere from a cookie session on one instance ends JWTs on the other', async () => {
    const { client, email } = await registerUser(a, 'COOKIE');
    const app = await loginUser(b, email, 'JWT');
    await client.request(LogoutDocument, { everywhere: true });
    await eventually(async () => expect(await whoAmI(app.client)).toBe('UNAUTHENTICATED'), 1000);
  });

  it('revokeCredential of a JWT family on one instance ends its access token on the other', async () => {
    const { client, email } = await registerUser(a, 'COOKIE');
    const app = await loginUser(b, email, 'JWT');
    const revoked = await client.request(RevokeCredentialDocument, { id: app.result.session.id });
    expect(revoked.data?.revokeCredential).toBe(true);
    await eventually(async () => expect(await whoAmI(app.client)).toBe('UNAUTHENTICATED'), 1000);
  });

  it('deactivating the user in the database (by any means) ends their JWTs everywhere', async () => {
    const { client, email } = await registerUser(a, 'JWT');
    const onB = client.clone(b.graphqlUrl);
    await sql(a, 'update users set is_active = false where email = ?', [email]);
    await eventually(async () => {
      expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
      expect(await whoAmI(onB)).toBe('UNAUTHENTICATED');
    }, 1000);
  });

  it('a revocation made while an instance was starting is known to it (catch-up read)', async () => {
    const { client } = await registerUser(a, 'JWT');
    await client.request(LogoutDocument, { everywhere: false });
    const late = await startTestServer({ databaseUrl: a.databaseUrl });
    try {
      expect(await whoAmI(client.clone(late.graphqlUrl))).toBe('UNAUTHENTICATED');
    } finally {
      await late.close();
    }
  });

  it('while the listener is disconnected, the database is asked instead, and the listener comes back', async () => {
    const { client, email, result } = await registerUser(a, 'JWT');
    const onB = client.clone(b.graphqlUrl);
    const database = new URL(a.databaseUrl).pathname.slice(1);
    await adminQuery(
      inject('adminUrl'),
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'gatehouse-notifications'`,
      [database],
    );
    await eventually(async () => expect(b.app.services.revokedSessions.isCurrent).toBe(false));
    expect(await whoAmI(onB)).toBe(email);
    await client.request(LogoutDocument, { everywhere: false });
    expect(await whoAmI(onB)).toBe('UNAUTHENTICATED'); // at once, from the database
    await eventually(async () => expect(b.app.services.revokedSessions.isCurrent).toBe(true), 5000);
    expect(b.app.services.revokedSessions.has(result.session.id)).toBe(true); // learnt by the catch-up read
  });
});

describe('the credentials list', () => {
  it('shows the revoked JWT family no more', async () => {
    const { client, email } = await registerUser(a, 'COOKIE');
    const app = await loginUser(a, email, 'JWT');
    await client.request(RevokeCredentialDocument, { id: app.result.session.id });
    const ids = (await client.request(CredentialsDocument)).data?.credentials.map((c) => c.id);
    expect(ids).not.toContain(app.result.session.id);
  });
});
