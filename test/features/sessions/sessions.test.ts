import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, LogoutDocument, MeDocument } from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, registerUser } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server?.close());

/** A second device of the same user: a fresh client that logs in. */
async function loginFrom(email: string, password = GOOD_PASSWORD): Promise<TestClient> {
  const client = new TestClient(server.graphqlUrl);
  const response = await client.request(LoginDocument, { input: { email, password } });
  expect(response.data?.login?.__typename).toBe('AuthSuccess');
  return client;
}

const me = async (client: TestClient) => (await client.request(MeDocument)).data?.me ?? null;

describe.each(credentialKinds)('signed in with %s', (kind) => {
  it('me answers the user, and null when anonymous', async () => {
    const { client, email } = await registerUser(server, kind);
    expect((await me(client))?.email).toBe(email);
    expect(await me(new TestClient(server.graphqlUrl))).toBeNull();
  });

  it('logout ends the session: the old credential replayed is anonymous (SEC-30)', async () => {
    const { client } = await registerUser(server, kind);
    const stolen = new Map(client.cookies);
    const response = await client.request(LogoutDocument, { everywhere: false });
    expect(response.data?.logout).toBe(true);
    expect(client.cookies.size).toBe(0); // cleared by the server
    const replay = new TestClient(server.graphqlUrl);
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    expect(await me(replay)).toBeNull();
  });

  it('logout leaves the user’s other sessions alone', async () => {
    const { client, email } = await registerUser(server, kind);
    const other = await loginFrom(email);
    await client.request(LogoutDocument, { everywhere: false });
    expect((await me(other))?.email).toBe(email);
  });

  it('logout everywhere ends every session of the user, and only theirs', async () => {
    const { client, email } = await registerUser(server, kind);
    const laptop = await loginFrom(email);
    const stranger = await registerUser(server, kind);
    const response = await client.request(LogoutDocument, { everywhere: true });
    expect(response.data?.logout).toBe(true);
    expect(await me(client)).toBeNull();
    expect(await me(laptop)).toBeNull();
    expect((await me(stranger.client))?.email).toBe(stranger.email);
  });

  it('ends sessions when the user is deactivated (SEC-32)', async () => {
    const { client, email } = await registerUser(server, kind);
    await sql(server, 'update users set is_active = false where email = ?', [email]);
    expect(await me(client)).toBeNull();
  });

  it('expires a session after the idle timeout, and activity keeps it alive (SEC-31)', async () => {
    const { client } = await registerUser(server, kind);
    const idle = server.config.session.idleTimeoutSeconds;
    clock.advance(idle - 10);
    expect(await me(client)).not.toBeNull(); // activity recorded
    clock.advance(idle - 10);
    expect(await me(client)).not.toBeNull();
    clock.advance(idle + 1);
    expect(await me(client)).toBeNull();
  });

  it('expires a session at the absolute timeout however active it is (SEC-31)', async () => {
    const { client } = await registerUser(server, kind);
    const { idleTimeoutSeconds, absoluteTimeoutSeconds } = server.config.session;
    let elapsed = 0;
    while (elapsed + idleTimeoutSeconds / 2 < absoluteTimeoutSeconds) {
      clock.advance(idleTimeoutSeconds / 2);
      elapsed += idleTimeoutSeconds / 2;
      expect(await me(client)).not.toBeNull();
    }
    clock.advance(absoluteTimeoutSeconds - elapsed);
    expect(await me(client)).toBeNull();
  });
});

describe('logout when not signed in', () => {
  it('answers false and changes nothing', async () => {
    const response = await new TestClient(server.graphqlUrl).request(LogoutDocument, { everywhere: true });
    expect(response.data?.logout).toBe(false);
    expect(response.errors).toBeUndefined();
  });
});
