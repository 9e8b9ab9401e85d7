import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegisterDocument } from '../generated/graphql';
import { GOOD_PASSWORD, uniqueEmail } from '../helpers/accounts';
import { TestClient } from '../helpers/client';
import { adminQuery, createTestDatabase } from '../helpers/database';
import { eventually } from '../helpers/eventually';
import { processEnv, spawnServer } from '../helpers/process';
import { WebhookReceiver } from '../helpers/webhook-receiver';

describe('a server killed between a change and the delivery of its events (SEC-66)', () => {
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.close());

  it('loses nothing: another instance delivers every event, the one cut off mid-request included, in order', async () => {
    const databaseUrl = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
    const env = processEnv({ DATABASE_URL: databaseUrl, WEBHOOK_ENDPOINTS: receiver.endpoints(), WEBHOOK_TIMEOUT_SECONDS: '2', WEBHOOK_POLL_INTERVAL_MS: '50' });
    receiver.answer = () => 'hang'; // the first attempt is in flight when the server dies
    const victim = await spawnServer(env);
    const email = uniqueEmail('crash-hook');
    const registered = await new TestClient(victim.graphqlUrl).request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } });
    const userId = registered.data?.register?.__typename === 'AuthSuccess' ? registered.data.register.user.id : null;
    expect(userId).not.toBeNull();
    await eventually(async () => expect(receiver.requestsFor(userId!)).toHaveLength(1), 5000);
    victim.child.kill('SIGKILL');
    const cutOff = receiver.requestsFor(userId!)[0]!;
    expect(cutOff.payload.type).toBe('user.created');
    const { rows } = await adminQuery<{ type: string; status: string }>(databaseUrl, `select type, status from webhook_deliveries where user_id = $1 order by id`, [userId]);
    expect(rows).toEqual([
      { type: 'user.created', status: 'PENDING' },
      { type: 'user.signed_in', status: 'PENDING' },
    ]);

    receiver.answer = () => 204;
    const survivor = await spawnServer(env);
    try {
      await eventually(async () => expect(receiver.acceptedFor(userId!).map((r) => r.payload.type)).toEqual(['user.created', 'user.signed_in']), 15_000);
      expect(receiver.acceptedFor(userId!)[0]!.headers['webhook-id']).toBe(cutOff.headers['webhook-id']); // the same event, sent again
    } finally {
      await survivor.stop('SIGTERM');
    }
  });
});
