import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LoginDocument } from '../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail, whoAmI } from '../helpers/accounts';
import { errorCode, TestClient } from '../helpers/client';
import { createTestDatabase } from '../helpers/database';
import { processEnv, runCli, spawnServer } from '../helpers/process';
import { sql, startTestServer, type TestServer } from '../helpers/test-server';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * The command line (`gatehouse <command>`) as an operator runs it: its own process, configured
 * like the server (here by the environment), on a database a server of the suite also uses.
 */
let server: TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  const databaseUrl = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
  server = await startTestServer({ databaseUrl });
  env = processEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
});
afterAll(() => server?.close());

const login = (email: string, password = GOOD_PASSWORD) => new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password } });

describe('gatehouse create-user', () => {
  it('creates a verified account with the password from stdin, and the admin role when asked', async () => {
    const email = uniqueEmail('cli');
    const run = await runCli(['create-user', '--email', email.toUpperCase(), '--admin', '--password-stdin'], env, `${GOOD_PASSWORD}\n`);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^Created ${email} \\(.+\\) with the admin role\\.`));
    const signedIn = (await login(email)).data?.login;
    expect(signedIn).toMatchObject({ __typename: 'AuthSuccess', user: { email, emailVerified: true } });
    const [row] = await sql<{ roles: string[] }>(server, 'select roles from users where email = ?', [email]);
    expect(row!.roles).toEqual(['user', 'admin']);
  });

  it('refuses a password that breaks the policy, a taken address, and a password with no way to give it (exit 1, one line)', async () => {
    const short = await runCli(['create-user', '--email', uniqueEmail(), '--password-stdin'], env, 'short\n');
    expect(short).toMatchObject({ code: 1, stdout: '' });
    expect(short.stderr).toBe('gatehouse: password: Use at least 8 characters.\n');
    const { email } = await registerUser(server);
    const taken = await runCli(['create-user', '--email', email, '--password-stdin'], env, `${GOOD_PASSWORD}\n`);
    expect([taken.code, taken.stderr]).toEqual([1, `gatehouse: An account already has the address ${email}.\n`]);
    const noTerminal = await runCli(['create-user', '--email', uniqueEmail()], env);
    expect([noTerminal.code, noTerminal.stderr]).toEqual([1, 'gatehouse: Give the password at a terminal, or pipe it with --password-stdin.\n']);
  });

  it('a usage mistake exits 2 and says what is missing', async () => {
    const run = await runCli(['create-user', '--password-stdin'], env, 'x\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/required option '--email <email>' not specified/);
  });
});

describe('gatehouse disable-user, revoke-sessions, set-roles', () => {
  it('act on the account at once: its live session ends, sign-in is refused, roles change', async () => {
    const target = await registerUser(server, 'SESSION_TOKEN');
    const revoked = await runCli(['revoke-sessions', '--email', target.email], env);
    expect(revoked).toMatchObject({ code: 0, stdout: `Ended every session, JWT family and API token of ${target.email}.\n` });
    expect(await whoAmI(target.client)).toBe('UNAUTHENTICATED');
    const roles = await runCli(['set-roles', '--email', target.email, '--roles', 'admin'], env);
    expect(roles.stdout).toBe(`${target.email} now has the roles user, admin.\n`);
    expect((await runCli(['set-roles', '--email', target.email, '--roles', 'root'], env)).code).toBe(1);
    const disabled = await runCli(['disable-user', '--email', target.email, '--reason', 'abuse'], env);
    expect(disabled.code).toBe(0);
    expect(errorCode(await login(target.email))).toBe('INVALID_CREDENTIALS');
    const [event] = await sql<{ actor_id: string | null }>(server, "select actor_id from auth_events where type = 'ADMIN_DISABLED_USER' and user_id = ?", [target.result.user.id]);
    expect(event).toEqual({ actor_id: null }); // the command line, not an administrator's account
    const unknown = await runCli(['disable-user', '--email', 'nobody@example.com'], env);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'gatehouse: No account has the address nobody@example.com.\n']);
  });
});

describe('gatehouse doctor, migrate, db, rotate-keys', () => {
  it('doctor passes on a working setup, one line per check; fails (exit 1) naming a database that does not answer', async () => {
    const good = await runCli(['doctor'], env);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ok +config /m);
    expect(good.stdout).toMatch(/^ok +database .*PostgreSQL \d+.*every migration applied/m);
    const bad = await runCli(['doctor'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL database +postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere: /m);
    const config = await runCli(['doctor'], { ...env, PORT: 'eighty' });
    expect([config.code, config.stdout]).toEqual([1, expect.stringMatching(/^FAIL config +PORT: /)]);
  });

  it('doctor checks that each webhook endpoint answers, without sending it an event', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const secret = receiver.secret;
      const endpoints = JSON.stringify([{ id: 'up', url: receiver.url, secret }, { id: 'down', url: 'http://127.0.0.1:1/hooks', secret }]);
      const run = await runCli(['doctor'], { ...env, WEBHOOK_ENDPOINTS: endpoints });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^ok +webhook +up: http:\/\/127\.0\.0\.1:\d+\/hooks answers \(HTTP \d+\)$/m);
      expect(run.stdout).toMatch(/^FAIL webhook +down: http:\/\/127\.0\.0\.1:1\/hooks does not accept connections$/m);
      expect(receiver.requests).toEqual([]); // no event reached it
    } finally {
      await receiver.close();
    }
  });

  it('a database that cannot be reached: one line naming DATABASE_URL, exit 1', async () => {
    const run = await runCli(['migrate'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^gatehouse: DATABASE_URL: nothing accepts connections at 127\.0\.0\.1:1/);
  });

  it('rotate-keys prints a new signing key and SECRET_KEY, and keeps the current ones as the previous', async () => {
    const run = await runCli(['rotate-keys'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\\n/m);
    expect(run.stdout).toMatch(/^JWT_PREVIOUS_PUBLIC_KEYS="-----BEGIN PUBLIC KEY-----/m);
    expect(run.stdout).toContain(`SECRET_KEY_FALLBACKS=${env.SECRET_KEY}`);
    expect(run.stdout).not.toContain(`SECRET_KEY=${env.SECRET_KEY}\n`);
  });

  it('on the embedded database: migrate sets it up, create-user uses it, db --print names it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    chmodSync(dataDir, 0o755); // the embedded PostgreSQL may run as another user
    const embedded = processEnv({ GATEHOUSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const migrated = await runCli(['migrate'], embedded);
    expect(migrated.stdout).toMatch(/^The schema of embedded PostgreSQL in .+ is up to date\.$/m);
    expect(migrated.code).toBe(0);
    const created = await runCli(['create-user', '--email', 'first@example.com', '--admin', '--password-stdin'], embedded, `${GOOD_PASSWORD}\n`);
    expect(created.code).toBe(0);
    const again = await runCli(['create-user', '--email', 'first@example.com', '--password-stdin'], embedded, `${GOOD_PASSWORD}\n`);
    expect(again.stderr).toBe('gatehouse: An account already has the address first@example.com.\n'); // the same database, kept
    // While the server runs on that data dir, db finds its cluster (whose port changes at each start).
    const running = await spawnServer({ ...embedded, HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    try {
      const db = await runCli(['db', '--print'], embedded);
      expect(db.code).toBe(0);
      expect(db.stdout).toMatch(/^postgres:\/\/[^@]+@127\.0\.0\.1:\d+\/postgres\n$/);
    } finally {
      await running.stop('SIGTERM');
    }
    expect((await runCli(['db', '--print'], env)).stdout).toBe(`${env.DATABASE_URL}\n`);
  }, 90_000);
});
