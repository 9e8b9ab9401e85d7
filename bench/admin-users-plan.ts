import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connectOrm } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { migrateUp } from '../src/db/migrate';
import { createLogger } from '../src/logger';

/**
 * `npx tsx bench/admin-users-plan.ts`: the admin API's user list at 1,000,000 accounts. Seeds a
 * fresh database (DATABASE_URL's server, or an embedded one) with generate_series, runs each list
 * the way the admin API does (the ORM's own statement, captured), and writes its EXPLAIN ANALYZE
 * to bench/ADMIN-USERS-PLAN.md.
 */
const USERS = Number(process.env.PLAN_USERS ?? 1_000_000);

async function main(): Promise<void> {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dir: join(process.cwd(), '.gatehouse-plan'), persistent: false, logger: createLogger({ logLevel: 'warn' }) });
  const server = process.env.DATABASE_URL ?? embedded!.url;
  const name = `gatehouse_plan_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const report: string[] = [`# The admin API's user list at ${USERS.toLocaleString('en')} accounts`, '', `Written by \`bench/admin-users-plan.ts\` on ${new Date().toISOString().slice(0, 10)}: each statement is the ORM's own, as the admin API runs it. A later page starts at its cursor (an Index Cond), so a deep page costs what the first does.`, ''];
  try {
    const migrator = await connectOrm(databaseUrl);
    await migrateUp(migrator);
    await migrator.close(true);
    const statements: { sql: string; params: readonly unknown[] }[] = [];
    const orm = await connectOrm(databaseUrl, undefined, { onQuery: (sql, params) => void statements.push({ sql, params }) });
    await orm.em.getConnection().execute(`insert into users (id, email, created_at, updated_at)
      select gen_random_uuid(), 'user-' || lpad(n::text, 7, '0') || '@example.com', now() - (n || ' seconds')::interval, now() from generate_series(1, ${USERS}) as n`);
    await orm.em.getConnection().execute('analyze users');
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, SECRET_KEY: 'x'.repeat(40), MFA_ENCRYPTION_KEY: 'y'.repeat(40), LOG_LEVEL: 'silent' });
    const app = await createApp({ config, orm, logger: createLogger(config) });
    const cases: [string, Parameters<typeof app.services.admin.users>[1], boolean][] = [
      ['newest first, first page', {}, false],
      ['newest first, a later page (after a cursor)', {}, true],
      ['email prefix "user-012345"', { search: 'user-012345' }, false],
      ['email prefix, a later page', { search: 'user-01' }, true],
    ];
    for (const [label, filter, paged] of cases) {
      const em = orm.em.fork();
      const first = await app.services.admin.users(em, filter, 20, null);
      statements.length = 0;
      await app.services.admin.users(em, filter, 20, paged ? first.endCursor : null);
      const statement = statements.find((s) => /from "users"/.test(s.sql))!;
      const plan = await orm.em.getConnection().execute<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers) ${statement.sql}`, [...statement.params]);
      report.push(`## ${label}`, '', '```', statement.sql, '', ...plan.map((r) => r['QUERY PLAN']), '```', '');
    }
    await app.close(0);
    await orm.close(true);
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    await embedded?.stop();
  }
  writeFileSync(join(__dirname, 'ADMIN-USERS-PLAN.md'), `${report.join('\n')}\n`);
  console.log(report.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
