import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LoginDocument, RequestPasswordResetDocument } from '../../generated/graphql';
import { type CallerKind, registerUser, signInAs, uniqueEmail } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { subscriber, within } from '../../helpers/subscriptions';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

/**
 * `securityEvents` over graphql-ws: a socket authenticates like a request, sees its own user's
 * events from every instance, and is closed within a second once its credential is revoked or
 * expires (SEC-38).
 */
const ALLOWED_ORIGIN = 'https://app.example.com';
const EVENTS = 'subscription { securityEvents { type success credentialKind } }';
const socketKinds = ['COOKIE', 'SESSION_TOKEN', 'JWT', 'API_TOKEN'] as const satisfies readonly CallerKind[];

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  a = await startTestServer({ env: { CORS_ORIGINS: ALLOWED_ORIGIN } });
  b = await startTestServer({ databaseUrl: a.databaseUrl, env: { CORS_ORIGINS: ALLOWED_ORIGIN } });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const asBrowserOrApp = (kind: (typeof socketKinds)[number]) => (kind === 'COOKIE' ? { cookiesWithOrigin: ALLOWED_ORIGIN } : {});
const failedLogin = (server: TestServer, email: string) => new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: 'not the password' } });

describe.each(socketKinds)('securityEvents over WebSocket, signed in with %s (SEC-38)', (kind) => {
  it('delivers the user’s own events as they happen, recorded on another instance, and no one else’s', async () => {
    const me = await signInAs(a, kind);
    const someoneElse = await registerUser(a);
    const socket = subscriber(b.graphqlUrl, me.client, asBrowserOrApp(kind));
    try {
      await within(socket.connected, 3_000, 'connection_ack');
      const next = socket.take(EVENTS, 1);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the subscribe message reaches b
      // Another user's event first (of another type, so a leak would show): never ours.
      await new TestClient(a.graphqlUrl).request(RequestPasswordResetDocument, { email: someoneElse.email });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await failedLogin(a, me.email);
      expect(await within(next, 5_000, 'an event')).toEqual([{ data: { securityEvents: { type: 'LOGIN', success: false, credentialKind: 'COOKIE' } } }]);
    } finally {
      await socket.dispose();
    }
  });

  it('is closed within a second when its credential is revoked, on any instance, by anyone (an operator’s SQL)', async () => {
    const me = await signInAs(a, kind);
    const socket = subscriber(b.graphqlUrl, me.client, asBrowserOrApp(kind));
    try {
      await within(socket.connected, 3_000, 'connection_ack');
      const started = Date.now();
      if (kind === 'API_TOKEN') await sql(a, `update api_tokens set revoked_at = now() where user_id = ?`, [me.result.user.id]);
      else await sql(a, `update sessions set revoked_at = now() where user_id = ?`, [me.result.user.id]);
      expect(await within(socket.closed, 2_000, 'close')).toBe(4401);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await socket.dispose();
    }
  });
});

describe('securityEvents: how a socket may authenticate', () => {
  it('without a credential, or with one that fails, is refused with 4403', async () => {
    const none = subscriber(a.graphqlUrl, null);
    expect(await within(none.closed, 5_000, 'close')).toBe(4403);
    const forged = new TestClient(a.graphqlUrl);
    forged.authorization = 'Bearer gths_forged';
    expect(await within(subscriber(a.graphqlUrl, forged).closed, 5_000, 'close')).toBe(4403);
  });

  it('the session cookie counts only from an allowed Origin (no cross-site WebSocket hijacking)', async () => {
    const me = await signInAs(a, 'COOKIE');
    expect(await within(subscriber(a.graphqlUrl, me.client, { cookiesWithOrigin: 'https://evil.example' }).closed, 5_000, 'close')).toBe(4403);
    const allowed = subscriber(a.graphqlUrl, me.client, { cookiesWithOrigin: ALLOWED_ORIGIN });
    await within(allowed.connected, 3_000, 'connection_ack');
    await allowed.dispose();
  });

  it('over HTTP a subscription is refused with a client error, never a 500', async () => {
    const me = await signInAs(a, 'SESSION_TOKEN');
    const response = await me.client.post(JSON.stringify({ query: EVENTS }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.errors?.[0]?.extensions?.code).toEqual(expect.any(String));
  });

  it('Basic is refused: a long-lived socket would re-verify a password every second', async () => {
    const basic = await startTestServer({ databaseUrl: a.databaseUrl, env: { AUTH_BASIC_ENABLED: 'true' } });
    try {
      const me = await signInAs(basic, 'BASIC');
      expect(await within(subscriber(basic.graphqlUrl, me.client).closed, 5_000, 'close')).toBe(4403);
    } finally {
      await basic.close();
    }
  });

  it('serves only subscriptions, under the same operation limits as HTTP', async () => {
    const me = await signInAs(a, 'SESSION_TOKEN');
    const socket = subscriber(a.graphqlUrl, me.client);
    try {
      await within(socket.connected, 3_000, 'connection_ack');
      await expect(socket.take('{ me { email } }', 1)).rejects.toEqual([expect.objectContaining({ message: expect.stringMatching(/Only subscriptions/) })]);
      const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: securityEvents { id }`).join(' ');
      await expect(socket.take(`subscription { ${aliases} }`, 1)).rejects.toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/alias/i) })]));
    } finally {
      await socket.dispose();
    }
  });

  it('bounds the sockets one address may hold open, signed in or not yet (4429 beyond)', async () => {
    const url = a.graphqlUrl.replace(/^http/, 'ws');
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(url, 'graphql-transport-ws');
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    const held = await Promise.all(Array.from({ length: a.config.webSockets.maxPerAddress }, open));
    try {
      const extra = new WebSocket(url, 'graphql-transport-ws');
      expect(await within(new Promise<number>((resolve) => extra.once('close', (code) => resolve(code))), 3_000, 'close')).toBe(4429);
    } finally {
      for (const socket of held) socket.terminate();
    }
  });

  it('bounds the sockets one user may hold open (4429 beyond)', async () => {
    const me = await signInAs(a, 'SESSION_TOKEN');
    const sockets = Array.from({ length: a.config.webSockets.maxPerUser }, () => subscriber(a.graphqlUrl, me.client));
    try {
      await Promise.all(sockets.map((s) => within(s.connected, 5_000, 'connection_ack')));
      expect(await within(subscriber(a.graphqlUrl, me.client).closed, 5_000, 'close')).toBe(4429);
    } finally {
      await Promise.all(sockets.map((s) => s.dispose()));
    }
  });
});

describe('securityEvents: a credential that expires while the socket is open', () => {
  it.each(['COOKIE', 'SESSION_TOKEN', 'JWT'] as const)('%s: the socket is closed within a second of expiry', async (kind) => {
    const clock = new FakeClock();
    const server = await startTestServer({ databaseUrl: a.databaseUrl, clock, env: { CORS_ORIGINS: ALLOWED_ORIGIN } });
    try {
      const me = await signInAs(server, kind, uniqueEmail('expiry'));
      const socket = subscriber(server.graphqlUrl, me.client, asBrowserOrApp(kind));
      await within(socket.connected, 3_000, 'connection_ack');
      const { session, tokenSession, jwt } = server.config;
      clock.advance(Math.max(session.idleTimeoutSeconds, tokenSession.idleTimeoutSeconds, jwt.accessTokenTtlSeconds) + 120); // past every idle timeout and the JWT's expiry
      const started = Date.now();
      expect(await within(socket.closed, 3_000, 'close')).toBe(4401);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await server.close();
    }
  });

  it.each(['COOKIE', 'SESSION_TOKEN'] as const)('%s: the socket’s own re-checks do not keep an idle session alive (SEC-31)', async (kind) => {
    const clock = new FakeClock();
    const server = await startTestServer({ databaseUrl: a.databaseUrl, clock, env: { CORS_ORIGINS: ALLOWED_ORIGIN } });
    try {
      const me = await signInAs(server, kind, uniqueEmail('idle'));
      const idle = kind === 'COOKIE' ? server.config.session.idleTimeoutSeconds : server.config.tokenSession.idleTimeoutSeconds;
      const socket = subscriber(server.graphqlUrl, me.client, asBrowserOrApp(kind));
      await within(socket.connected, 3_000, 'connection_ack');
      clock.advance(idle - 120); // nearly idle: a re-check now must not count as activity…
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // …and at least one runs
      clock.advance(240); // past the idle timeout counted from the sign-in
      expect(await within(socket.closed, 3_000, 'close')).toBe(4401);
    } finally {
      await server.close();
    }
  });
});
