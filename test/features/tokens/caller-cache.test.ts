import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateApiTokenDocument, MeDocument, RevokeCredentialDocument, VerifyEmailDocument } from '../../generated/graphql';
import { loginUser, registerUser, whoAmI } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { adminQuery } from '../../helpers/database';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { settled, sql, startTestServer, type TestServer } from '../../helpers/test-server';

// Callers are resolved from memory: verified JWTs, the sessions and API tokens behind opaque
// credentials, and their users are cached per instance and kept correct by NOTIFY. These tests
// show that no change is missed: two instances on one database, as behind a load balancer.
const clock = new FakeClock();
let mailbox: Mailbox;
let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  a = await startTestServer({ clock, env: { SMTP_URL: mailbox.url } });
  b = await startTestServer({ clock, databaseUrl: a.databaseUrl });
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await mailbox?.close();
});

const displayName = async (client: TestClient) => (await client.request(MeDocument)).data?.me?.displayName;

describe('the users of JWT callers, cached in memory', () => {
  it('a change made in the database by any means reaches every instance', async () => {
    const { client, email } = await registerUser(a, 'JWT');
    const onB = client.clone(b.graphqlUrl);
    expect(await displayName(client)).toBeNull(); // now cached on both
    expect(await displayName(onB)).toBeNull();
    await sql(a, `update users set display_name = 'Operator' where email = ?`, [email]);
    await eventually(async () => {
      expect(await displayName(client)).toBe('Operator');
      expect(await displayName(onB)).toBe('Operator');
    }, 1000);
  });

  it('a change made through an instance shows on that instance at once', async () => {
    const { client, email } = await registerUser(a, 'JWT');
    const mail = await mailbox.waitFor(email, /Confirm your email/);
    expect((await client.request(MeDocument)).data?.me?.emailVerified).toBe(false); // cached
    await new TestClient(a.graphqlUrl).request(VerifyEmailDocument, { token: mail.token! });
    expect((await client.request(MeDocument)).data?.me?.emailVerified).toBe(true);
  });

  it('deactivating a user in the database ends their JWTs even without a session revocation (SEC-32)', async () => {
    const { client, email } = await registerUser(a, 'JWT');
    expect(await whoAmI(client)).toBe(email);
    // Only the user row changes: the trigger that also revokes the sessions is off for this one update.
    const trigger = 'users_deactivated_revoke_sessions';
    await adminQuery(a.databaseUrl, `begin; alter table users disable trigger ${trigger}; update users set is_active = false where email = '${email}'; alter table users enable trigger ${trigger}; commit;`);
    expect(await sql(a, 'select count(*)::int as n from sessions where revoked_at is not null and user_id = (select id from users where email = ?)', [email])).toEqual([{ n: 0 }]);
    await eventually(async () => expect(await whoAmI(client)).toBe('UNAUTHENTICATED'), 1000);
  });

  it('while the listener is disconnected, the database is asked instead', async () => {
    const { client, email } = await registerUser(a, 'JWT');
    const onB = client.clone(b.graphqlUrl);
    expect(await displayName(onB)).toBeNull(); // cached on b
    const database = new URL(a.databaseUrl).pathname.slice(1);
    await adminQuery(
      inject('adminUrl'),
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'gatehouse-notifications'`,
      [database],
    );
    await eventually(async () => expect(b.app.services.notifications.isCurrent).toBe(false));
    await sql(a, `update users set display_name = 'While away' where email = ?`, [email]);
    expect(await displayName(onB)).toBe('While away'); // at once, from the database
    await eventually(async () => expect(b.app.services.notifications.isCurrent).toBe(true), 5000);
    expect(await displayName(onB)).toBe('While away');
  });
});

describe('served from memory: a warm caller needs no database read at all (SEC-38)', () => {
  /** A signed-in client of `kind` on `server`, used until its rows are cached. */
  async function warmCaller(server: TestServer, kind: 'COOKIE' | 'SESSION_TOKEN' | 'JWT' | 'API_TOKEN') {
    const owner = await registerUser(server, kind === 'API_TOKEN' ? 'COOKIE' : kind);
    let client = owner.client;
    if (kind === 'API_TOKEN') {
      const created = (await owner.client.request(CreateApiTokenDocument, { input: { name: 'cached' } })).data!.createApiToken;
      client = Object.assign(new TestClient(server.graphqlUrl), { authorization: `Bearer ${created.token}` });
    }
    await eventually(async () => {
      for (let i = 0; i < 2; i++) expect(await whoAmI(client)).toBe(owner.email);
      await settled(server);
      const before = server.queries();
      expect(await whoAmI(client)).toBe(owner.email);
      expect(server.queries() - before).toBe(0);
    }, 3000);
    return { client, email: owner.email };
  }

  it.each(['COOKIE', 'SESSION_TOKEN', 'JWT', 'API_TOKEN'] as const)('%s: ten requests, no statement sent', async (kind) => {
    const { client, email } = await warmCaller(a, kind);
    const before = a.queries();
    for (let i = 0; i < 10; i++) expect(await whoAmI(client)).toBe(email);
    expect(a.queries() - before).toBe(0);
  });

  it('with CALLER_CACHE_SIZE=0 the same requests read the database every time (so the test above can fail)', async () => {
    const uncached = await startTestServer({ databaseUrl: a.databaseUrl, env: { CALLER_CACHE_SIZE: '0' } });
    try {
      for (const kind of ['COOKIE', 'SESSION_TOKEN', 'JWT'] as const) {
        const { client, email } = await registerUser(uncached, kind);
        await settled(uncached);
        const before = uncached.queries();
        for (let i = 0; i < 10; i++) expect(await whoAmI(client)).toBe(email);
        expect(uncached.queries() - before, kind).toBeGreaterThanOrEqual(10);
      }
    } finally {
      await uncached.close();
    }
  });
});

describe('verified access tokens, cached in memory', () => {
  it('an access token accepted before is refused once it has expired (SEC-37, SEC-38)', async () => {
    const { client, email } = await registerUser(a, 'JWT');
    expect(await whoAmI(client)).toBe(email); // verified once, now cached
    clock.advance(a.config.jwt.accessTokenTtlSeconds + 10);
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
  });
});

/** A signed-in client of `kind` on instance a, the same credential on b, and its row's id. */
async function credentialOf(kind: 'COOKIE' | 'SESSION_TOKEN' | 'API_TOKEN') {
  const owner = await registerUser(a, 'COOKIE');
  if (kind === 'API_TOKEN') {
    const created = (await owner.client.request(CreateApiTokenDocument, { input: { name: 'cached' } })).data!.createApiToken;
    const client = Object.assign(new TestClient(a.graphqlUrl), { authorization: `Bearer ${created.token}` });
    return { owner, client, email: owner.email, id: created.apiToken.id, table: 'api_tokens' };
  }
  const signedIn = kind === 'COOKIE' ? owner : await loginUser(a, owner.email, kind);
  return { owner, client: signedIn.client, email: owner.email, id: signedIn.result.session.id, table: 'sessions' };
}

/**
 * Uses a credential until its rows are in both instances' caches: its first use reads them and
 * records activity, and the rows are kept only once that write's NOTIFY has come back.
 */
async function warm(clients: TestClient[], email: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    for (const client of clients) expect(await whoAmI(client)).toBe(email);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(['COOKIE', 'SESSION_TOKEN', 'API_TOKEN'] as const)('%s credentials, cached in memory', (kind) => {
  it('revoked through Gatehouse: refused at once on that instance, and within a second on the other (SEC-30, SEC-43)', async () => {
    const { owner, client, email, id } = await credentialOf(kind);
    const onB = client.clone(b.graphqlUrl);
    await warm([client, onB], email);
    const revoker = kind === 'COOKIE' ? (await loginUser(a, email, 'COOKIE')).client : owner.client;
    expect((await revoker.request(RevokeCredentialDocument, { id })).data?.revokeCredential).toBe(true);
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
    await eventually(async () => expect(await whoAmI(onB)).toBe('UNAUTHENTICATED'), 1000);
  });

  it('revoked in the database by any means: refused on every instance within a second', async () => {
    const { client, email, id, table } = await credentialOf(kind);
    const onB = client.clone(b.graphqlUrl);
    await warm([client, onB], email);
    await sql(a, `update ${table} set revoked_at = now() where id = ?`, [id]);
    await eventually(async () => {
      expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
      expect(await whoAmI(onB)).toBe('UNAUTHENTICATED');
    }, 1000);
  });
});
