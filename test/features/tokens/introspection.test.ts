import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiTokenDocument, LogoutDocument, MeDocument, RevokeApiTokenDocument } from '../../generated/graphql';
import { registerUser } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

/** RFC 7662 token introspection at POST /oauth/introspect, for services that hold opaque credentials. */
const clock = new FakeClock();
let server: TestServer;
let service: string; // the introspecting service's API token (INTROSPECT)
beforeAll(async () => {
  server = await startTestServer({ clock, env: { TOKEN_SESSION_IDLE_TIMEOUT_SECONDS: '600' } });
  service = await apiToken(['INTROSPECT']);
});
afterAll(() => server?.close());

async function apiToken(scopes: ('READ' | 'WRITE' | 'INTROSPECT')[]): Promise<string> {
  const { client } = await registerUser(server);
  return (await client.request(CreateApiTokenDocument, { input: { name: 'service', scopes } })).data!.createApiToken.token;
}

async function introspect(token: string, client: string | null = service, as: 'form' | 'json' = 'form') {
  const response = await fetch(`${server.baseUrl}/oauth/introspect`, {
    method: 'POST',
    headers: {
      'content-type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
      ...(client ? { authorization: `Bearer ${client}` } : {}),
    },
    body: as === 'form' ? new URLSearchParams({ token, token_type_hint: 'access_token' }).toString() : JSON.stringify({ token }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

describe('POST /oauth/introspect (SEC-65)', () => {
  it('answers for a live session token, API token and access JWT: whose it is, its kind, scope and roles', async () => {
    const session = await registerUser(server, 'SESSION_TOKEN');
    const answer = await introspect(session.result.sessionToken!);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      active: true,
      sub: session.result.user.id,
      username: session.email,
      token_type: 'session_token',
      scope: 'READ WRITE',
      iss: 'gatehouse',
      sid: session.result.session.id,
      roles: ['user'],
    });
    const jwt = await registerUser(server, 'JWT');
    expect((await introspect(jwt.result.accessToken!, service, 'json')).body).toMatchObject({ active: true, token_type: 'access_token', sub: jwt.result.user.id });
    const readOnly = await apiToken(['READ']);
    const token = (await introspect(readOnly)).body;
    expect(token).toMatchObject({ active: true, token_type: 'api_token', scope: 'READ' });
    expect(token.exp).toBeGreaterThan(clock.now().getTime() / 1000);
  });

  it('answers exactly { active: false } for an unknown, revoked or signed-out credential, at once', async () => {
    expect((await introspect('gths_not-a-real-token')).body).toEqual({ active: false });
    const session = await registerUser(server, 'SESSION_TOKEN');
    await session.client.request(LogoutDocument, {});
    expect((await introspect(session.result.sessionToken!)).body).toEqual({ active: false });
    const { client } = await registerUser(server);
    const created = (await client.request(CreateApiTokenDocument, { input: { name: 'x' } })).data!.createApiToken;
    expect((await introspect(created.token)).body.active).toBe(true);
    await client.request(RevokeApiTokenDocument, { id: created.apiToken.id });
    expect((await introspect(created.token)).body).toEqual({ active: false });
  });

  it('sees a revocation made on another instance, or by SQL, within a second', async () => {
    const other = await startTestServer({ clock, databaseUrl: server.databaseUrl });
    try {
      const session = await registerUser(other, 'SESSION_TOKEN');
      expect((await introspect(session.result.sessionToken!)).body.active).toBe(true);
      await session.client.request(LogoutDocument, {});
      await eventually(async () => expect((await introspect(session.result.sessionToken!)).body).toEqual({ active: false }));
      const deactivated = await registerUser(server, 'SESSION_TOKEN');
      expect((await introspect(deactivated.result.sessionToken!)).body.active).toBe(true);
      await sql(server, 'update users set is_active = false where id = ?', [deactivated.result.user.id]);
      await eventually(async () => expect((await introspect(deactivated.result.sessionToken!)).body).toEqual({ active: false }));
    } finally {
      await other.close();
    }
  });

  it('is passive: asking about a session does not keep it alive', async () => {
    const session = await registerUser(server, 'SESSION_TOKEN');
    for (let minute = 0; minute < 9; minute++) {
      clock.advance(60);
      expect((await introspect(session.result.sessionToken!)).body.active).toBe(true);
    }
    clock.advance(2 * 60); // 11 minutes since its last use: past the 10-minute idle timeout
    expect((await introspect(session.result.sessionToken!)).body).toEqual({ active: false });
  });

  it('needs an API token with INTROSPECT: none is 401 with WWW-Authenticate, another kind or scope is refused', async () => {
    const session = await registerUser(server, 'SESSION_TOKEN');
    const anonymous = await introspect(session.result.sessionToken!, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await introspect(session.result.sessionToken!, session.result.sessionToken!)).status).toBe(401);
    const plain = await introspect(session.result.sessionToken!, await apiToken(['READ', 'WRITE']));
    expect([plain.status, plain.body.errors[0].extensions.code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    expect((await introspect(session.result.sessionToken!, 'gthp_forged')).status).toBe(401);
    const noToken = await fetch(`${server.baseUrl}/oauth/introspect`, { method: 'POST', headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(400);
  });

  it('an INTROSPECT token is for introspection only: GraphQL refuses it', async () => {
    const client = new TestClient(server.graphqlUrl);
    client.authorization = `Bearer ${service}`;
    expect(errorCode(await client.request(MeDocument))).toBe('INSUFFICIENT_SCOPE');
  });
});
