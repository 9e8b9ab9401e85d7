import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { type Config, ConfigError, loadConfig } from '../config';
import { EMBEDDED_URL_FILE } from '../db/database';
import { loadMigrations } from '../db/migrate';
import type { Output } from './commands';

const CHECK_MS = 5_000;

type Check = { name: string; ok: boolean; say: string };

/**
 * `doctor`: checks what a server needs, one line each (`ok` or `FAIL`, what, and what is wrong):
 * the settings, the database and its migrations, SMTP, the keys, Redis, each webhook endpoint. Returns whether all
 * passed. It starts nothing: an embedded database that is not running is only located.
 */
export async function doctor(out: Output): Promise<boolean> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) out.line(`FAIL config    ${problem}`);
    return false;
  }
  const checks: Check[] = [{ name: 'config', ok: true, say: `NODE_ENV=${config.env}, data dir ${config.dataDir}` }];
  checks.push(await database(config), smtp(config) ?? (await smtpReachable(config)), keys(config));
  if (config.rateLimits.redisUrl) checks.push(await redis(config.rateLimits.redisUrl));
  for (const endpoint of config.webhooks.endpoints) checks.push(await webhookEndpoint(endpoint.id, endpoint.url));
  for (const check of checks) out.line(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(9)} ${check.say}`);
  return checks.every((c) => c.ok);
}

async function database(config: Config): Promise<Check> {
  const urlFile = join(config.dataDir, EMBEDDED_URL_FILE);
  const url = config.databaseUrl ?? (existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : null);
  if (!url) return { name: 'database', ok: true, say: `embedded PostgreSQL under ${config.dataDir} (not running; the server starts it)` };
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CHECK_MS, query_timeout: CHECK_MS });
  try {
    await client.connect();
    const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    const applied = await client.query<{ name: string }>('select name from mikro_orm_migrations').then((r) => new Set(r.rows.map((row) => row.name))).catch(() => new Set<string>());
    const pending = (await loadMigrations()).filter((m) => !applied.has(m.name)).length;
    const where = config.databaseUrl ? redact(url) : 'the embedded PostgreSQL (its server is running)';
    return { name: 'database', ok: true, say: `${where}: PostgreSQL ${version}, ${pending === 0 ? 'every migration applied' : `${pending} migration${pending === 1 ? '' : 's'} to apply (the server applies them at start, or run migrate)`}` };
  } catch (error) {
    return { name: 'database', ok: false, say: `${redact(url)}: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => {});
  }
}

function smtp(config: Config): Check | null {
  if (config.mail.smtpUrl) return null;
  return config.env === 'production'
    ? { name: 'smtp', ok: false, say: 'SMTP_URL is not set: no mail can be sent' }
    : { name: 'smtp', ok: true, say: `SMTP_URL is not set: mails are written to ${join(config.dataDir, 'mail')} (development)` };
}

async function smtpReachable(config: Config): Promise<Check> {
  const transport = nodemailer.createTransport({ url: config.mail.smtpUrl!, connectionTimeout: CHECK_MS, greetingTimeout: CHECK_MS, socketTimeout: CHECK_MS });
  try {
    await bounded(transport.verify(), 'did not answer within 5 s');
    return { name: 'smtp', ok: true, say: `${redact(config.mail.smtpUrl!)} answers` };
  } catch (error) {
    return { name: 'smtp', ok: false, say: `${redact(config.mail.smtpUrl!)}: ${(error as Error).message}` };
  } finally {
    transport.close();
  }
}

function keys(config: Config): Check {
  const fallbacks = config.secretKeys.length - 1;
  const previous = config.jwt.previousKeys.length;
  return {
    name: 'keys',
    ok: true,
    say: `JWT ${config.jwt.algorithm}${previous ? ` (+${previous} previous)` : ''}, SECRET_KEY${fallbacks ? ` (+${fallbacks} fallbacks)` : ''}, MFA_ENCRYPTION_KEY${config.env === 'production' ? '' : ' (generated under the data dir unless set)'}`,
  };
}

/** A webhook endpoint answers HTTP at all (a HEAD: no event is sent; any status will do). */
async function webhookEndpoint(id: string, url: string): Promise<Check> {
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(CHECK_MS) });
    return { name: 'webhook', ok: true, say: `${id}: ${url} answers (HTTP ${response.status})` };
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? 'did not answer within 5 s' : 'does not accept connections';
    return { name: 'webhook', ok: false, say: `${id}: ${url} ${why}` };
  }
}

async function redis(url: string): Promise<Check> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: CHECK_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await bounded(client.connect(), 'did not accept a connection within 5 s');
    await bounded(client.ping(), 'did not answer PING within 5 s');
    return { name: 'redis', ok: true, say: `${redact(url)} answers` };
  } catch (error) {
    return { name: 'redis', ok: false, say: `${redact(url)}: ${(error as Error).message}` };
  } finally {
    client.disconnect();
  }
}

/** `work`, or a rejection saying `late` after CHECK_MS. */
function bounded<T>(work: Promise<T>, late: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(late)), CHECK_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
