import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { MeDocument } from '../../generated/graphql';
import { registerUser, whoAmI } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { createTestDatabase } from '../../helpers/database';
import { runServerToExit, spawnServer } from '../../helpers/process';
import { startTestServer } from '../../helpers/test-server';

describe('restarts', () => {
  it('a new server on the same database keeps the session', async () => {
    const first = await startTestServer();
    const { client, email } = await registerUser(first);
    await first.close();

    const second = await startTestServer({ databaseUrl: first.databaseUrl });
    try {
      const again = Object.assign(new TestClient(second.graphqlUrl), { cookies: new Map(client.cookies) });
      expect((await again.request(MeDocument)).data?.me?.email).toBe(email);
    } finally {
      await second.close();
    }
  });

  it('the server process stops cleanly on SIGTERM and, started again on the same data dir, keeps cookie and JWT sessions', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-process-'));
    chmodSync(dataDir, 0o755); // the embedded PostgreSQL may run as another user
    // The quick start's path: no secret given (generated into the data dir), the embedded database
    // unless this run uses DATABASE_URL.
    const env: Record<string, string> = { NODE_ENV: 'development', GATEHOUSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
    if (process.env.DATABASE_URL) env.DATABASE_URL = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));

    const first = await spawnServer(env);
    expect(first.output()).toMatch(process.env.DATABASE_URL ? /using postgres/ : /using embedded PostgreSQL/);
    const { client, email } = await registerUser(first);
    const app = await registerUser(first, 'JWT'); // signed with the development key kept in the data dir
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toMatch(/"msg":"stopped"/);

    const second = await spawnServer(env);
    try {
      expect(await whoAmI(client.clone(second.graphqlUrl))).toBe(email);
      expect(await whoAmI(app.client.clone(second.graphqlUrl))).toBe(app.email);
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  });

  it('in production the process refuses to start without explicit settings, naming each', async () => {
    const { code, output } = await runServerToExit({ NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(output).toMatch(/SECRET_KEY/);
    expect(output).toMatch(/DATABASE_URL/);
    expect(output).toMatch(/COOKIE_SECURE/);
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
