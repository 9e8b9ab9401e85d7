import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '../helpers/accounts';
import { eventually } from '../helpers/eventually';
import { type OwnCluster, startOwnCluster } from '../helpers/own-cluster';
import { startTestServer, type TestServer } from '../helpers/test-server';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * The webhook relay when PostgreSQL dies under it (SIGKILL to a cluster of the test's own): an
 * attempt whose outcome cannot be stored is sent again once the database is back (at least once,
 * same webhook-id), the relay resumes by itself, and the server keeps serving (SEC-62, SEC-66).
 */
let cluster: OwnCluster;
let server: TestServer;
const receiver = new WebhookReceiver();
beforeAll(async () => {
  await receiver.start();
  cluster = await startOwnCluster();
  server = await startTestServer({
    databaseUrl: cluster.databaseUrl,
    env: { WEBHOOK_ENDPOINTS: receiver.endpoints(), WEBHOOK_TIMEOUT_SECONDS: '1', WEBHOOK_POLL_INTERVAL_MS: '100' },
  });
});
afterAll(async () => {
  await server?.close();
  await cluster?.stop();
  await receiver.close();
});

describe('webhooks across a killed database (SEC-62, SEC-66)', () => {
  it('an attempt in flight when the database dies is sent again once it is back; new events flow without a restart', async () => {
    receiver.answer = () => 'hang';
    const first = await registerUser(server);
    await eventually(async () => expect(receiver.requestsFor(first.result.user.id)).toHaveLength(1), 5_000);
    cluster.kill(); // the attempt times out, and its outcome cannot be stored
    receiver.answer = () => 204;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await cluster.restart();

    await eventually(async () => expect(receiver.acceptedFor(first.result.user.id).map((r) => r.payload.type)).toEqual(['user.created', 'user.signed_in']), 15_000, 200);
    const [cutOff] = receiver.requestsFor(first.result.user.id);
    expect(receiver.acceptedFor(first.result.user.id)[0]!.headers['webhook-id']).toBe(cutOff!.headers['webhook-id']);
    const second = await registerUser(server);
    await eventually(async () => expect(receiver.acceptedFor(second.result.user.id).map((r) => r.payload.type)).toEqual(['user.created', 'user.signed_in']), 5_000);
  });
});
