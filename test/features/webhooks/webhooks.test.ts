import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangePasswordDocument, DeleteAccountDocument, LoginDocument, UpdateMeDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, loginUser, registerUser, uniqueEmail } from '../../helpers/accounts';
import { signInAsAdmin } from '../../helpers/admin';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';
import { WebhookReceiver, type WebhookRequest, webhookSecret } from '../../helpers/webhook-receiver';

const doc = <R, V = Record<string, unknown>>(source: string) => parse(source) as unknown as TypedDocumentNode<R, V>;
type DeliveryFields = { id: string; eventId: string; endpoint: string; type: string; userId: string | null; status: string; attempts: number; lastError: string | null; payload: Record<string, unknown> };
const DELIVERIES = doc<{ webhookDeliveries: { deliveries: DeliveryFields[]; hasMore: boolean } }>(
  `query($filter: WebhookDeliveryFilterInput) { webhookDeliveries(filter: $filter) { deliveries { id eventId endpoint type userId status attempts lastError payload } hasMore } }`,
);
const REDELIVER = doc<{ redeliverWebhook: DeliveryFields }>(`mutation($id: ID!) { redeliverWebhook(id: $id) { id status attempts } }`);
const NEW_PASSWORD = 'a brand new passphrase for this test';

/** One sample of the server's /metrics (0 when absent). */
async function metric(server: TestServer, name: string, label = ''): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(label));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * Waits until the relay has stored the outcome of attempt `n` (and so the time of the next): only
 * then may the test move the clock, or the next attempt would be scheduled from the moved time.
 */
async function attemptRecorded(server: TestServer, userId: string, type: string, n: number): Promise<void> {
  await eventually(async () => {
    const [row] = await sql<{ attempts: number }>(server, `select attempts from webhook_deliveries where user_id = ? and type = ?`, [userId, type]);
    expect(row?.attempts).toBe(n);
  }, WITHIN_MS);
}

/** How long a test waits for a delivery the relay makes at once (it is prompt; a loaded CI machine is slower). */
const WITHIN_MS = 5_000;

const types = (requests: WebhookRequest[]) => requests.map((r) => r.payload.type);

/** A fake clock, a receiver and a server delivering to it, for the tests of one `describe`. */
function withReceiver() {
  const clock = new FakeClock();
  const receiver = new WebhookReceiver();
  let current: TestServer | undefined;
  beforeAll(async () => {
    await receiver.start();
    current = await serverFor(receiver, clock);
  });
  afterAll(async () => {
    await current?.close();
    await receiver.close();
  });
  return {
    clock,
    receiver,
    get server(): TestServer {
      return current!;
    },
  };
}

/** A server whose only webhook endpoint is `receiver`, polling its outbox often (retries are due by the fake clock). */
function serverFor(receiver: WebhookReceiver, clock: FakeClock, env: Record<string, string> = {}, databaseUrl?: string): Promise<TestServer> {
  return startTestServer({ clock, databaseUrl, env: { WEBHOOK_ENDPOINTS: receiver.endpoints(), WEBHOOK_POLL_INTERVAL_MS: '20', ...env } });
}

describe('outgoing events (webhooks)', () => {
  const ctx = withReceiver();
  const { clock, receiver } = ctx;

  it('SEC-66 signs each event in the Standard Webhooks format: the receiver verifies it, and another secret or a changed body does not', async () => {
    const { email, result } = await registerUser(ctx.server);
    await eventually(async () => expect(types(receiver.acceptedFor(result.user.id))).toContain('user.created'), WITHIN_MS);
    const created = receiver.acceptedFor(result.user.id).find((r) => r.payload.type === 'user.created')!;
    expect(created.payload.data.user).toMatchObject({ id: result.user.id, email, emailVerified: false, roles: ['user'] });
    expect(created.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    // The receiver verified it with our secret; the controls: the same request fails with any other.
    expect(new Webhook(receiver.secret).verify(created.body, created.headers)).toEqual(created.payload);
    expect(() => new Webhook(webhookSecret()).verify(created.body, created.headers)).toThrow();
    expect(() => new Webhook(receiver.secret).verify(created.body.replace(email, uniqueEmail()), created.headers)).toThrow();
    expect(receiver.rejected).toBe(0);
  });

  it('announces each change of an account once, in the order it happened, whoever made it', async () => {
    const { client, result, email } = await registerUser(ctx.server);
    const id = result.user.id;
    clock.advance(1);
    await client.request(UpdateMeDocument, { input: { displayName: 'Ada' } });
    await client.request(ChangePasswordDocument, { input: { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD } });
    await ctx.server.app.services.roles.set(ctx.server.orm.em.fork(), id, ['admin']);
    await ctx.server.app.services.admin.disable(ctx.server.orm.em.fork(), null, id, 'chargeback', null);
    await sql(ctx.server, `update users set is_active = true where id = ?`, [id]); // an operator's SQL counts too
    const again = await loginUser(ctx.server, email, 'COOKIE', NEW_PASSWORD);
    await again.client.request(DeleteAccountDocument, { password: NEW_PASSWORD });

    const expected = ['user.created', 'user.signed_in', 'user.updated', 'password.changed', 'role.changed', 'session.revoked', 'user.disabled', 'user.enabled', 'user.signed_in', 'session.revoked', 'user.deleted'];
    await eventually(async () => expect(types(receiver.acceptedFor(id))).toEqual(expected), 5000);
    const events = receiver.acceptedFor(id);
    expect(new Set(events.map((e) => e.headers['webhook-id'])).size).toBe(expected.length);
    expect(events.find((e) => e.payload.type === 'user.updated')!.payload.data).toMatchObject({ changed: ['displayName'], user: { displayName: 'Ada' } });
    expect(events.find((e) => e.payload.type === 'role.changed')!.payload.data).toMatchObject({ previousRoles: ['user'], user: { roles: ['user', 'admin'] } });
    expect(events.find((e) => e.payload.type === 'user.disabled')!.payload.data).toMatchObject({ reason: 'chargeback', user: { active: false } });
    expect(events.find((e) => e.payload.type === 'session.revoked')!.payload.data).toMatchObject({ session: { id: expect.any(String), credentialKind: 'COOKIE' }, reason: expect.any(String) });
  });

  it('SEC-66 puts no secret in any payload: no password, hash, token or code', async () => {
    const { client, result, email } = await registerUser(ctx.server, 'JWT');
    const id = result.user.id;
    const hash = async () => (await sql<{ password_hash: string }>(ctx.server, `select password_hash from users where id = ?`, [id]))[0]!.password_hash;
    const firstHash = await hash();
    await client.request(ChangePasswordDocument, { input: { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD } });
    const session = await loginUser(ctx.server, email, 'SESSION_TOKEN', NEW_PASSWORD);
    await eventually(async () => expect(types(receiver.acceptedFor(id))).toEqual(['user.created', 'user.signed_in', 'password.changed', 'user.signed_in']), WITHIN_MS);
    const tokenHashes = await sql<{ token_hash: string }>(ctx.server, `select token_hash from sessions where user_id = ? and token_hash is not null`, [id]);
    const secrets = [GOOD_PASSWORD, NEW_PASSWORD, firstHash, await hash(), result.accessToken!, result.refreshToken!, session.result.sessionToken!, ...tokenHashes.map((t) => t.token_hash)];
    expect(secrets.every(Boolean)).toBe(true);
    for (const request of receiver.requestsFor(id)) for (const secret of secrets) expect(request.body).not.toContain(secret);
  });

  it('a rehash at sign-in (stronger argon2 settings) is not announced as a password change', async () => {
    const { result, email } = await registerUser(ctx.server);
    const id = result.user.id;
    const [before] = await sql<{ password_hash: string }>(ctx.server, `select password_hash from users where id = ?`, [id]);
    const stronger = await serverFor(receiver, clock, { PASSWORD_HASH_MEMORY_KIB: '2048' }, ctx.server.databaseUrl);
    try {
      const signedIn = await new TestClient(stronger.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
      expect(signedIn.data?.login?.__typename).toBe('AuthSuccess');
      const [after] = await sql<{ password_hash: string }>(ctx.server, `select password_hash from users where id = ?`, [id]);
      expect(after!.password_hash).not.toBe(before!.password_hash);
      expect(after!.password_hash).toContain('m=2048');
      // Events of a user arrive in order: had the rehash been announced, it would come before this.
      await sql(ctx.server, `update users set display_name = 'after the rehash' where id = ?`, [id]);
      await eventually(async () => expect(types(receiver.acceptedFor(id))).toEqual(['user.created', 'user.signed_in', 'user.signed_in', 'user.updated']), WITHIN_MS);
    } finally {
      await stronger.close();
    }
  });
});

describe('webhook secret rotation', () => {
  it('signs with the new secret and the ones being rotated out: a receiver on either verifies', async () => {
    const oldSecret = webhookSecret();
    const newSecret = webhookSecret();
    const receiver = await new WebhookReceiver(oldSecret).start();
    const endpoints = JSON.stringify([{ id: 'rotating', url: receiver.url, secret: newSecret, previousSecrets: [oldSecret] }]);
    const server = await startTestServer({ env: { WEBHOOK_ENDPOINTS: endpoints, WEBHOOK_POLL_INTERVAL_MS: '20' } });
    try {
      const { result } = await registerUser(server);
      await eventually(async () => expect(types(receiver.acceptedFor(result.user.id))).toContain('user.created'), WITHIN_MS); // verified with the old secret
      const request = receiver.acceptedFor(result.user.id)[0]!;
      expect(request.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      expect(new Webhook(newSecret).verify(request.body, request.headers)).toEqual(request.payload);
      expect(() => new Webhook(webhookSecret()).verify(request.body, request.headers)).toThrow();
    } finally {
      await server.close();
      await receiver.close();
    }
  });
});

describe('webhook retries', () => {
  const ctx = withReceiver();
  const { clock, receiver } = ctx;

  it('a receiver that fails three times, then recovers, gets each event once it recovers, in order', async () => {
    let failures = 0;
    receiver.answer = () => (failures++ < 3 ? 503 : 200);
    const { client, result } = await registerUser(ctx.server);
    const id = result.user.id;
    await client.request(UpdateMeDocument, { input: { displayName: 'Grace' } });
    for (const [attempt, wait] of [[1, 5], [2, 300], [3, 1800]] as const) {
      await eventually(async () => expect(receiver.requestsFor(id)).toHaveLength(attempt), WITHIN_MS);
      await attemptRecorded(ctx.server, id, 'user.created', attempt);
      expect(receiver.acceptedFor(id)).toEqual([]);
      if (attempt === 1) await eventually(async () => expect(await metric(ctx.server, 'gatehouse_webhook_outbox_depth')).toBe(3), WITHIN_MS);
      clock.advance(wait); // the next attempt of Standard Webhooks' schedule is due
    }
    await eventually(async () => expect(types(receiver.acceptedFor(id))).toEqual(['user.created', 'user.signed_in', 'user.updated']), 3000);
    expect(await metric(ctx.server, 'gatehouse_webhook_attempts_total', 'outcome="failed"')).toBe(3);
    expect(await metric(ctx.server, 'gatehouse_webhook_attempts_total', 'outcome="delivered"')).toBe(3);
    await eventually(async () => expect(await metric(ctx.server, 'gatehouse_webhook_outbox_depth')).toBe(0), WITHIN_MS);
    // Only the oldest event was tried while the receiver failed: the others waited their turn.
    expect(types(receiver.requestsFor(id))).toEqual(['user.created', 'user.created', 'user.created', 'user.created', 'user.signed_in', 'user.updated']);
    const ids = receiver.requestsFor(id).slice(0, 4).map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1); // one event, retried: the receiver can deduplicate by webhook-id
  });

  it('a delivery that fails every attempt becomes a dead letter the admin API lists, the user’s next events go on, and redeliverWebhook sends it again', async () => {
    const { result } = await registerUser(ctx.server);
    const id = result.user.id;
    let broken = true;
    receiver.answer = (request) => (broken && request.payload.data.user?.id === id && request.payload.type === 'user.created' ? 500 : 200);
    const tries = () => receiver.requestsFor(id).filter((r) => r.payload.type === 'user.created').length;
    for (const [i, wait] of [5, 300, 1800, 7200, 18_000, 36_000, 36_000].entries()) {
      await eventually(async () => expect(tries()).toBe(i + 1), WITHIN_MS);
      await attemptRecorded(ctx.server, id, 'user.created', i + 1);
      clock.advance(wait);
    }
    await eventually(async () => expect(types(receiver.acceptedFor(id))).toEqual(['user.signed_in']), WITHIN_MS);
    expect(tries()).toBe(8);

    const { client: adminClient } = await signInAsAdmin(ctx.server, clock);
    const dead = await adminClient.request(DELIVERIES, { filter: { status: 'DEAD', userId: id } });
    expect(dead.data?.webhookDeliveries.deliveries).toEqual([
      expect.objectContaining({ type: 'user.created', endpoint: 'test', userId: id, status: 'DEAD', attempts: 8, lastError: 'HTTP 500' }),
    ]);
    const user = await registerUser(ctx.server);
    expect(errorCode(await user.client.request(DELIVERIES, {}))).toBe('FORBIDDEN');
    const letter = dead.data!.webhookDeliveries.deliveries[0]!;
    expect(errorCode(await user.client.request(REDELIVER, { id: letter.id }))).toBe('FORBIDDEN');

    broken = false;
    const redelivered = await adminClient.request(REDELIVER, { id: letter.id });
    expect(redelivered.data?.redeliverWebhook).toMatchObject({ status: 'PENDING', attempts: 0 });
    await eventually(async () => expect(types(receiver.acceptedFor(id))).toEqual(['user.signed_in', 'user.created']), WITHIN_MS);
    expect(receiver.acceptedFor(id)[1]!.headers['webhook-id']).toBe(letter.eventId);
    const [audit] = await sql<{ type: string }>(ctx.server, `select type from auth_events where user_id = ? and type = 'ADMIN_REDELIVERED_WEBHOOK'`, [id]);
    expect(audit?.type).toBe('ADMIN_REDELIVERED_WEBHOOK');
  });
});
