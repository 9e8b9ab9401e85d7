import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { registerUser, loginUser } from '../helpers/accounts';
import { adminQuery, createTestDatabase } from '../helpers/database';
import { eventually } from '../helpers/eventually';
import { injectFault, literal } from '../helpers/faults';
import { processEnv, spawnServer } from '../helpers/process';
import { sql, startTestServer } from '../helpers/test-server';

/**
 * Audit entries are not lost when the database does not take them (SEC-15, SEC-62): they wait in
 * a durable outbox under the data dir and are written once it is back, also by the next start of
 * a process that crashed holding them, and each is stored exactly once.
 */
const REFUSE_AUDIT = `
  create function refuse_audit() returns trigger language plpgsql as $$
    begin raise exception 'injected fault in %', tg_table_name; end $$;
  create trigger refuse_audit before insert on auth_events for each row execute function refuse_audit();`;
const ALLOW_AUDIT = `drop trigger refuse_audit on auth_events; drop function refuse_audit();`;

describe('audit entries the database refused (SEC-15, SEC-62)', () => {
  it('are written, once each, when the database takes them again', async () => {
    const server = await startTestServer();
    try {
      const { email, result } = await registerUser(server);
      const userId = result.user.id;
      const fault = await injectFault(server, 'auth_events', 'insert', `new.user_id = ${literal(userId)}`);
      await loginUser(server, email);
      await loginUser(server, email);
      // Refused, not lost: nothing is stored yet while the fault holds.
      const held = () => readdirSync(join(server.config.dataDir, 'audit-outbox'));
      await eventually(async () => expect(held().length).toBeGreaterThan(0), 3_000, 50);
      const logins = () => sql<{ n: number }>(server, `select count(*)::int as n from auth_events where user_id = ? and type = 'LOGIN'`, [userId]);
      expect((await logins())[0]!.n).toBe(0);
      await fault.remove();
      await eventually(async () => expect((await logins())[0]!.n).toBe(2), 5_000, 100);
      expect(held()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('that neither the database nor the outbox can take are logged as lost, and the server stays up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-no-outbox-'));
    writeFileSync(join(dataDir, 'audit-outbox'), 'a file where the outbox folder would be'); // the disk refuses it
    const server = await startTestServer({ env: { GATEHOUSE_DATA_DIR: dataDir } });
    try {
      const { email, result } = await registerUser(server);
      const fault = await injectFault(server, 'auth_events', 'insert', `new.user_id = ${literal(result.user.id)}`);
      try {
        expect((await loginUser(server, email)).result.__typename).toBe('AuthSuccess');
        await new Promise((resolve) => setTimeout(resolve, 300)); // the failed write and its fallback have run
        expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
        expect((await loginUser(server, email)).result.__typename).toBe('AuthSuccess');
      } finally {
        await fault.remove();
      }
    } finally {
      await server.close();
    }
  });

  it('left half-written by an earlier process with this same pid (a restarted container’s pid 1) are written too', async () => {
    const server = await startTestServer(); // in this process: its pid is the test's
    try {
      const { result } = await registerUser(server);
      const id = randomUUID();
      const entry = { id, type: 'LOGIN', success: true, userId: result.user.id, createdAt: new Date().toISOString() };
      mkdirSync(join(server.config.dataDir, 'audit-outbox'), { recursive: true });
      writeFileSync(join(server.config.dataDir, 'audit-outbox', `${process.pid}-leftover.draining`), `${JSON.stringify(entry)}\n`);
      await eventually(async () => expect(await sql(server, 'select type from auth_events where id = ?', [id])).toEqual([{ type: 'LOGIN' }]), 5_000, 100);
    } finally {
      await server.close();
    }
  });

  it('survive a crash of the process holding them: the next start writes them', async () => {
    const databaseUrl = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
    const env = processEnv({ DATABASE_URL: databaseUrl });
    const dataDir = env.GATEHOUSE_DATA_DIR!;
    const victim = await spawnServer(env);
    const { email } = await registerUser(victim);
    await adminQuery(databaseUrl, REFUSE_AUDIT);
    await loginUser(victim, email);
    // Held: a whole line in the victim's outbox file (the file exists a moment before its line does).
    const outbox = join(dataDir, 'audit-outbox', `${victim.child.pid}.jsonl`);
    await eventually(async () => expect(readFileSync(outbox, 'utf8')).toMatch(/"type":"LOGIN".*\n$/), 3_000, 50);
    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));
    await adminQuery(databaseUrl, ALLOW_AUDIT);

    const logins = async () =>
      (await adminQuery<{ n: number }>(databaseUrl, `select count(*)::int as n from auth_events e join users u on u.id = e.user_id where u.email = $1 and e.type = 'LOGIN'`, [email])).rows[0]!.n;
    expect(await logins()).toBe(0);
    const next = await spawnServer(env);
    try {
      await eventually(async () => expect(await logins()).toBe(1), 5_000, 100);
      expect(readdirSync(join(dataDir, 'audit-outbox'))).toEqual([]);
    } finally {
      await next.stop('SIGTERM');
    }
  });
});
