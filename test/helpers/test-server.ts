import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type DestinationStream } from 'pino';
import { inject } from 'vitest';
import { type App, createApp, GRAPHQL_PATH } from '../../src/app';
import type { Clock } from '../../src/clock';
import { type Config, type Env, loadConfig } from '../../src/config';
import { connectOrm } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from './database';
import { secretsDir } from './secrets';

export interface TestServer {
  baseUrl: string;
  graphqlUrl: string;
  app: App;
  orm: MikroORM;
  config: Config;
  databaseUrl: string;
  /** How many statements the server has sent to PostgreSQL through its ORM so far. */
  queries(): number;
  /** The last statements sent (up to 50), with their parameters: to EXPLAIN exactly what the server ran. */
  recentStatements(): { sql: string; params: readonly unknown[] }[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Environment on top of the test defaults (cheap argon2, fixed secret). */
  env?: Env;
  clock?: Clock;
  /** Reuse a database (a "restart"); by default each server gets a fresh copy of the template. */
  databaseUrl?: string;
  /** Where log lines go (a stream the test reads); stdout by default. */
  logDestination?: DestinationStream;
}

export const TEST_SECRET_KEY = 'test-secret-key-of-at-least-32-characters!';
export const TEST_MFA_KEY = 'test-mfa-encryption-key-of-32-characters-or-more';
/** One P-256 key per test file, as production would configure JWT_PRIVATE_KEY. */
export const TEST_JWT_PRIVATE_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

/** The test defaults: what differs from production is only the argon2 cost and fixed secrets. */
export function testEnv(overrides: Env = {}): Env {
  return {
    NODE_ENV: 'test',
    SECRET_KEY: TEST_SECRET_KEY,
    MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
    JWT_PRIVATE_KEY: TEST_JWT_PRIVATE_KEY,
    PASSWORD_HASH_MEMORY_KIB: '1024',
    PASSWORD_HASH_ITERATIONS: '1',
    GATEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-data-')),
    HOST: '127.0.0.1',
    PORT: '0',
    // Debug level into the suite's log folder, which is checked for leaked secrets after the run.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? (secretsDir() ? 'debug' : 'silent'),
    // Every test file signs in many users from 127.0.0.1; the limits have tests of their own.
    RATE_LIMITS_ENABLED: 'false',
    ...overrides,
  };
}

/** Starts the real server (createApp) on a free port, over a real database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(inject('adminUrl'), inject('templateDatabase')));
  const config = loadConfig(testEnv({ DATABASE_URL: databaseUrl, ...options.env }));
  const logger = createLogger(config, options.logDestination ?? suiteLogDestination());
  let queries = 0;
  const recent: { sql: string; params: readonly unknown[] }[] = [];
  const onQuery = (sql: string, params: readonly unknown[]) => {
    queries++;
    recent.push({ sql, params });
    if (recent.length > 50) recent.shift();
  };
  const orm = await connectOrm(databaseUrl, logger, { onQuery, timeouts: true });
  const app = await createApp({ config, orm, clock: options.clock, logger });
  const port = await app.listen(config.port, '127.0.0.1'); // 0 (any free port) unless the test chose one
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    graphqlUrl: `${baseUrl}${GRAPHQL_PATH}`,
    app,
    orm,
    config,
    databaseUrl,
    queries: () => queries,
    recentStatements: () => [...recent],
    async close() {
      await app.close();
      await orm.close(true);
    },
  };
}

/**
 * Waits until the server has finished everything it started after answering: background tasks
 * (lookups, notices), audit entries, and the mail they sent. A negative mail assertion ("nothing was sent") is
 * only meaningful after this, never after a sleep.
 */
export async function settled(server: TestServer): Promise<void> {
  const { background, outbox, audit } = server.app.services;
  await background.settled();
  await audit.settled();
  await outbox.idle();
}

/** Runs SQL on the server's own database, for arranging and inspecting state directly. */
export async function sql<T = Record<string, unknown>>(server: TestServer, query: string, params: unknown[] = []): Promise<T[]> {
  return server.orm.em.getConnection().execute<T[]>(query, params);
}

let suiteLog: DestinationStream | undefined;

/**
 * A logger for a server the test builds itself (the library's createGatehouse): into the suite's
 * log folder like every test server's, so its lines are checked for leaked secrets too.
 */
export function testLogger(env: Env) {
  return createLogger(loadConfig(env), suiteLogDestination());
}

/** Every test server of this worker logs into one file of the suite's log folder. */
function suiteLogDestination(): DestinationStream | undefined {
  const dir = secretsDir();
  if (!dir || process.env.TEST_LOG_LEVEL) return undefined;
  mkdirSync(join(dir, 'logs'), { recursive: true });
  suiteLog ??= pino.destination({ dest: join(dir, 'logs', `${process.pid}.log`), sync: true });
  return suiteLog;
}

/** A port that is free now, for a server whose PUBLIC_URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
