import { describe, expect, inject, it } from 'vitest';
import { RegisterDocument } from '../generated/graphql';
import { GOOD_PASSWORD, uniqueEmail } from '../helpers/accounts';
import { TestClient } from '../helpers/client';
import { adminQuery, createTestDatabase } from '../helpers/database';
import { processEnv, spawnServer } from '../helpers/process';

describe('a server killed with SIGKILL under load (SEC-62)', () => {
  it('leaves no user without its session and its verification link, and every lost registration can be retried', async () => {
    const databaseUrl = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
    const env = processEnv({ DATABASE_URL: databaseUrl });
    const emails = Array.from({ length: 36 }, () => uniqueEmail('crash'));
    const victim = await spawnServer(env);
    const register = (url: string, email: string) =>
      new TestClient(url).request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } }).catch(() => null);
    const inFlight = emails.map((email) => register(victim.graphqlUrl, email));
    await Promise.race(inFlight); // the first answers: the rest are somewhere in between
    victim.child.kill('SIGKILL');
    await Promise.all(inFlight);

    const orphans = await adminQuery(
      databaseUrl,
      `select u.email from users u
        where u.email like 'crash-%'
          and (not exists (select 1 from sessions s where s.user_id = u.id)
               or not exists (select 1 from email_tokens t where t.user_id = u.id and t.purpose = 'VERIFY_EMAIL'))`,
    );
    expect(orphans.rows).toEqual([]);

    const survivor = await spawnServer(env);
    try {
      const { rows } = await adminQuery<{ email: string }>(databaseUrl, `select email from users where email like 'crash-%'`);
      const created = new Set(rows.map((r) => r.email));
      for (const email of emails.filter((e) => !created.has(e))) {
        const retried = await register(survivor.graphqlUrl, email);
        expect(retried?.data?.register?.__typename, email).toBe('AuthSuccess');
      }
    } finally {
      await survivor.stop('SIGTERM');
    }
  });
});
