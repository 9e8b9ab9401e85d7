import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The same server as `url`, another database. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs one statement on a short-lived connection (CREATE/DROP DATABASE cannot share a pool). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<R>(sql, params);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file: a copy of the run's template. */
export async function createTestDatabase(adminUrl: string, template: string): Promise<string> {
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database "${name}" template "${template}"`);
  return databaseUrl(adminUrl, name);
}
