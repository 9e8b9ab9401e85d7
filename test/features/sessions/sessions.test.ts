import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogoutDocument } from '../../generated/graphql';
import { callerKinds, credentialKinds, loginUser, refresh, registerUser, signInAs, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock, env: { AUTH_BASIC_ENABLED: 'true' } });
});
afterAll(() => server?.close());

describe.each(callerKinds)('signed in with %s', (kind) => {
  /** Kinds whose credential is a session of ours (Basic proves the password on each request; an API token is its own credential). */
  const session = (credentialKinds as readonly string[]).includes(kind);

  it('me answers the user; null only when no credential is sent', async () => {
    const { client, email } = await signInAs(server, kind);
    expect(await whoAmI(client)).toBe(email);
    expect(await whoAmI(new TestClient(server.graphqlUrl))).toBeNull();
  });

  it('logout ends the credential the request came with: replayed, it is UNAUTHENTICATED (SEC-30)', async () => {
    const { client, email } = await signInAs(server, kind);
    const stolen = client.clone();
    const response = await client.request(LogoutDocument, { everywhere: false });
    if (kind === 'BASIC') {
      // Nothing of ours to end: the password itself is the credential.
      expect(response.data?.logout).toBe(false);
      expect(await whoAmI(stolen)).toBe(email);
      return;
    }
    expect(response.data?.logout).toBe(true);
    if (kind === 'COOKIE') expect(client.cookies.has('gatehouse_session')).toBe(false); // cleared by the server
    await eventually(async () => expect(await whoAmI(stolen)).toBe('UNAUTHENTICATED'));
    if (kind === 'JWT') expect(errorCode(await refresh(stolen))).toMatch(/UNAUTHENTICATED|REFRESH_TOKEN_REUSED/);
  });

  it('logout leaves the user’s other credentials alone', async () => {
    const { client, email } = await signInAs(server, kind);
    const others = await Promise.all(credentialKinds.map((k) => loginUser(server, email, k)));
    await client.request(LogoutDocument, { everywhere: false });
    for (const other of others) expect(await whoAmI(other.client)).toBe(email);
  });

  it('logout everywhere ends every session of the user, of every kind, and only theirs', async () => {
    const { client, email } = await signInAs(server, kind);
    const others = await Promise.all(credentialKinds.map((k) => loginUser(server, email, k)));
    const stranger = await registerUser(server);
    const response = await client.request(LogoutDocument, { everywhere: true });
    expect(response.data?.logout).toBe(true);
    await eventually(async () => {
      for (const device of [...(session ? [client] : []), ...others.map((o) => o.client)]) expect(await whoAmI(device)).not.toBe(email);
    });
    expect(await whoAmI(stranger.client)).toBe(stranger.email);
  });

  it('deactivating the user ends every credential at once (SEC-32)', async () => {
    const { client, email } = await signInAs(server, kind);
    await sql(server, 'update users set is_active = false where email = ?', [email]);
    await eventually(async () => expect(await whoAmI(client)).toBe('UNAUTHENTICATED'));
  });

  it('a garbage credential of this kind is UNAUTHENTICATED, never anonymous (SEC-44)', async () => {
    const forged = new TestClient(server.graphqlUrl);
    if (kind === 'COOKIE') forged.cookies.set('gatehouse_session', 's%3Agths_forged.signature');
    if (kind === 'SESSION_TOKEN') forged.authorization = 'Bearer gths_forged';
    if (kind === 'JWT') forged.authorization = 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
    if (kind === 'API_TOKEN') forged.authorization = 'Bearer gthp_forged';
    if (kind === 'BASIC') forged.authorization = `Basic ${Buffer.from('nobody@example.com:not the password').toString('base64')}`;
    expect(await whoAmI(forged)).toBe('UNAUTHENTICATED');
  });
});

/** Browser sessions have the short ASVS lifetimes, app sessions the longer ones. */
const lifetimes = (kind: 'COOKIE' | 'SESSION_TOKEN') => (kind === 'COOKIE' ? server.config.session : server.config.tokenSession);

describe.each(['COOKIE', 'SESSION_TOKEN'] as const)('%s session lifetimes (SEC-31)', (kind) => {
  it('expires after the idle timeout; activity keeps it alive', async () => {
    const { client } = await registerUser(server, kind);
    const idle = lifetimes(kind).idleTimeoutSeconds;
    clock.advance(idle - 10);
    expect(await whoAmI(client)).not.toBe('UNAUTHENTICATED'); // activity recorded
    clock.advance(idle - 10);
    expect(await whoAmI(client)).not.toBe('UNAUTHENTICATED');
    clock.advance(idle + 1);
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
  });

  it('expires at the absolute timeout however active it is', async () => {
    const { client, email } = await registerUser(server, kind);
    const { idleTimeoutSeconds, absoluteTimeoutSeconds } = lifetimes(kind);
    let elapsed = 0;
    while (elapsed + idleTimeoutSeconds / 2 < absoluteTimeoutSeconds) {
      clock.advance(idleTimeoutSeconds / 2);
      elapsed += idleTimeoutSeconds / 2;
      expect(await whoAmI(client)).toBe(email);
    }
    clock.advance(absoluteTimeoutSeconds - elapsed);
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
  });
});

describe('JWT lifetimes (SEC-31, SEC-38, SEC-42)', () => {
  it('an access token lives 15 minutes; a refresh gives a new one', async () => {
    const { client, email, result } = await registerUser(server, 'JWT');
    const lifetimeMs = Date.parse(result.accessTokenExpiresAt!) - Date.parse(result.session.createdAt);
    expect(lifetimeMs).toBeGreaterThan((15 * 60 - 1) * 1000); // exp is in whole seconds
    expect(lifetimeMs).toBeLessThanOrEqual(15 * 60 * 1000);
    clock.advance(15 * 60 + 10);
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED');
    expect((await refresh(client)).data?.refreshToken?.__typename).toBe('AuthSuccess');
    expect(await whoAmI(client)).toBe(email);
  });

  it('the refresh family ends after the idle timeout without a refresh', async () => {
    const { client } = await registerUser(server, 'JWT');
    clock.advance(server.config.tokenSession.idleTimeoutSeconds + 1);
    expect(errorCode(await refresh(client))).toBe('UNAUTHENTICATED');
  });

  it('the refresh family ends at the absolute timeout however often it is refreshed', async () => {
    const { client } = await registerUser(server, 'JWT');
    const { idleTimeoutSeconds, absoluteTimeoutSeconds } = server.config.tokenSession;
    let elapsed = 0;
    while (elapsed + idleTimeoutSeconds / 2 < absoluteTimeoutSeconds) {
      clock.advance(idleTimeoutSeconds / 2);
      elapsed += idleTimeoutSeconds / 2;
      expect((await refresh(client)).data?.refreshToken?.__typename).toBe('AuthSuccess');
    }
    clock.advance(absoluteTimeoutSeconds - elapsed);
    expect(errorCode(await refresh(client))).toBe('UNAUTHENTICATED');
  });
});

describe('logout when not signed in', () => {
  it('answers false and changes nothing', async () => {
    const response = await new TestClient(server.graphqlUrl).request(LogoutDocument, { everywhere: true });
    expect(response.data?.logout).toBe(false);
    expect(response.errors).toBeUndefined();
  });
});
