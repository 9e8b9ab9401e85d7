import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, LogoutDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, whoAmI } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { eventually } from '../../helpers/eventually';
import { processEnv, runServerToExit } from '../../helpers/process';
import { startTestServer, type TestServer } from '../../helpers/test-server';

const METRICS_TOKEN = 'metrics-token-of-at-least-32-characters!';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { METRICS_TOKEN } });
});
afterAll(() => server?.close());

/** The value of one sample in a scrape, 0 when absent. */
function sample(scrape: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = scrape.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? wanted.every((w) => l.includes(w)) : false);
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function scrape(headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.baseUrl}/metrics`, { headers });
  return { status: response.status, text: await response.text() };
}

describe('liveness and readiness', () => {
  it('/livez says the process answers; /readyz names each dependency', async () => {
    expect(await (await fetch(`${server.baseUrl}/livez`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok', listener: 'ok' } });
  });
});

describe('log format', () => {
  it('LOG_FORMAT=pretty prints lines for a person (pino-pretty), not JSON', async () => {
    const env = processEnv({ DATABASE_URL: server.databaseUrl, LOG_FORMAT: 'pretty', HOST: '127.0.0.1' });
    const { code, output } = await runServerToExit(env, { signal: { when: /Gatehouse listening on/, signal: 'SIGTERM' } });
    expect(code).toBe(0);
    const line = output.split('\n').find((l) => l.includes('Gatehouse listening on'))!;
    expect(line).toMatch(/INFO/);
    expect(line.trim().startsWith('{')).toBe(false);
  });
});

describe('request ids', () => {
  it('every response carries X-Request-Id: a well-formed one the caller sent, else a new one', async () => {
    const fresh = await fetch(`${server.baseUrl}/livez`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${server.baseUrl}/livez`, { headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234.abc');
    const forged = await fetch(`${server.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'x\u00e9 <script>' }, body: '{"query":"{ me { email } }"}' });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GET /metrics', () => {
  it('a scrape after a login shows the counters moved: sign-ins, HTTP and GraphQL durations, cache lookups', async () => {
    const { email, client } = await registerUser(server, 'COOKIE');
    const before = (await scrape()).text;
    await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: 'not the password' } });
    await whoAmI(client);
    const after = await scrape();
    expect(after.status).toBe(200);
    const moved = (name: string, labels: Record<string, string>) => sample(after.text, name, labels) - sample(before, name, labels);
    expect(moved('gatehouse_sign_ins_total', { method: 'LOGIN', outcome: 'success' })).toBe(1);
    expect(moved('gatehouse_sign_ins_total', { method: 'LOGIN', outcome: 'failure' })).toBe(1);
    expect(moved('gatehouse_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(moved('gatehouse_graphql_operation_duration_seconds_count', { type: 'mutation', field: 'login', outcome: 'ok' })).toBe(1);
    expect(moved('gatehouse_graphql_operation_duration_seconds_count', { type: 'mutation', field: 'login', outcome: 'error' })).toBe(1);
    expect(moved('gatehouse_caller_cache_lookups_total', { cache: 'sessions' })).toBeGreaterThanOrEqual(1);
    expect(after.text).toMatch(/^gatehouse_db_pool_connections\{state="used"\} \d+/m);
    expect(after.text).toMatch(/^gatehouse_process_resident_memory_bytes \d+/m);
  });

  it('a revoked JWT session shows in the revocation propagation lag, as this instance heard it', async () => {
    const { client } = await registerUser(server, 'JWT');
    const count = async () => sample((await scrape()).text, 'gatehouse_revocation_propagation_seconds_count');
    const before = await count();
    await client.request(LogoutDocument, { everywhere: false });
    await eventually(async () => expect(await count()).toBe(before + 1), 5_000);
    // A lag of moments (often under a millisecond here): wall clocks on both sides, never NaN.
    const sum = sample((await scrape()).text, 'gatehouse_revocation_propagation_seconds_sum');
    expect(Number.isFinite(sum) && sum >= 0 && sum < 60).toBe(true);
  });

  it('answers only from METRICS_ALLOW_FROM or with METRICS_TOKEN; anyone else gets 404', async () => {
    const closed = await startTestServer({ databaseUrl: server.databaseUrl, env: { METRICS_ALLOW_FROM: '10.0.0.0/8', METRICS_TOKEN } });
    try {
      const get = (headers: Record<string, string> = {}) => fetch(`${closed.baseUrl}/metrics`, { headers });
      expect((await get()).status).toBe(404);
      expect((await get({ authorization: 'Bearer not-the-metrics-token-at-all-no-no-no' })).status).toBe(404);
      const allowed = await get({ authorization: `Bearer ${METRICS_TOKEN}` });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('content-type')).toMatch(/^text\/plain/);
    } finally {
      await closed.close();
    }
  });
});
