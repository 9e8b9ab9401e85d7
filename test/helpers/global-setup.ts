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

  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    if (embedded) return embedded.stop();
    // On a shared server, drop everything this run created.
    const { rows } = await adminQuery<{ datname: string }>(
      adminUrl,
      `select datname from pg_database where datname like $1`,
      [`${templateDatabase}%`],
    );
    for (const { datname } of rows.reverse()) await adminQuery(adminUrl, `drop database if exists "${datname}" with (force)`);
  };
}

/** mkdtemp makes 0700 dirs; as root, PostgreSQL runs as another user and must reach its data dir. */
function traversableTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  chmodSync(dir, 0o755);
  return dir;
}
