import 'reflect-metadata';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { connectOrm } from '../../src/db/database';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { migrateUp } from '../../src/db/migrate';
import { adminQuery, databaseUrl } from './database';
import { leakedSecrets } from './secrets';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A maintenance URL on the test cluster (database `postgres` or DATABASE_URL's). */
    adminUrl: string;
    /** A migrated database that each test file copies (CREATE DATABASE … TEMPLATE). */
    templateDatabase: string;
  }
}

/**
 * One PostgreSQL for the whole run: a throwaway embedded cluster by default, or the server of
 * DATABASE_URL. Migrations run once, into a template database; test files copy it.
 */
export default async function setup(project: TestProject) {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({
        dir: join(traversableTempDir(), 'pg'),
        persistent: false,
        logger: pino({ level: 'silent' }),
        // Durability is pointless for a cluster deleted after the run.
        postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=500'],
      });
  const adminUrl = process.env.DATABASE_URL ?? embedded!.url;
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const templateDatabase = `gatehouse_test_${runId}`;

  await adminQuery(adminUrl, `create database "${templateDatabase}"`);
  const orm = await connectOrm(databaseUrl(adminUrl, templateDatabase));
  await migrateUp(orm);
  await orm.close(true);

  // The suite-wide secret check (see helpers/secrets.ts): workers inherit this folder.
  const secrets = traversableTempDir();
  process.env.GATEHOUSE_TEST_SECRETS_DIR = secrets;

  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    const leaks = leakedSecrets(secrets);
    if (embedded) await embedded.stop();
    else await dropRunDatabases(adminUrl, templateDatabase);
    if (leaks.length > 0) {
      const found = [...new Set(leaks.map((l) => JSON.stringify(l.secret.slice(0, 24))))].slice(0, 10).join(', ');
      process.stderr.write(`\nFAIL SEC-15: ${leaks.length} secret(s) issued during the run appear in server logs: ${found} (see ${secrets}/logs)\n`);
      // vitest only reports errors thrown here; the run must fail.
      process.exit(1);
    }
  };
}

/** On a shared server, drop everything this run created. */
async function dropRunDatabases(adminUrl: string, templateDatabase: string): Promise<void> {
  const { rows } = await adminQuery<{ datname: string }>(adminUrl, `select datname from pg_database where datname like $1`, [`${templateDatabase}%`]);
  for (const { datname } of rows.reverse()) await adminQuery(adminUrl, `drop database if exists "${datname}" with (force)`);
}

/** mkdtemp makes 0700 dirs; as root, PostgreSQL runs as another user and must reach its data dir. */
function traversableTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  chmodSync(dir, 0o755);
  return dir;
}
