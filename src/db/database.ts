import { MikroORM } from '@mikro-orm/postgresql';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { databaseStartupError } from '../startup/startup-error';
import { lockDataDir } from './data-dir-lock';
import { clusterDirFor, startEmbeddedPostgres } from './embedded';
import { loadMigrations, migrateUp } from './migrate';
import { type AppSchema, createOrmOptions, type OrmExtras } from './mikro-orm.config';
import { within } from '../within';

const CLOSE_MS = 1_000;
/** Under the data dir while its embedded PostgreSQL runs: that cluster's URL (it listens on 127.0.0.1 only). */
export const EMBEDDED_URL_FILE = 'postgres-url';

export interface Database {
  orm: MikroORM;
  /** Where the data lives, for the start-up banner (never includes a password). */
  description: string;
  close(): Promise<void>;
}

/**
 * Opens the database the config names, or starts the embedded one under the data dir, and
 * brings its schema up to date. Nothing else in the server knows which of the two it got.
 */
export async function openDatabase(config: Config, logger: Logger, app: AppSchema = {}): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbedded(config, logger);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    // Migrations may run long (an index on a big table): on a pool of their own, without the
    // statement timeouts, but a connection is still made within seconds or refused.
    const applied = await migrate(url, logger, app);
    if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
    const orm = await connectOrm(url, logger, { timeouts: true, app });
    return {
      orm,
      description: embedded ? `embedded PostgreSQL in ${embedded.dir}` : redactUrl(url),
      async close() {
        // A frozen database never answers a goodbye: each step is bounded.
        if (!(await within(orm.close(true), CLOSE_MS))) logger.warn('the database pool did not close in time; leaving it');
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw (config.databaseUrl && databaseStartupError(error, config.databaseUrl)) || error;
  }
}

/** The embedded cluster of the data dir, held by this process alone while it runs. */
async function startEmbedded(config: Config, logger: Logger): Promise<{ url: string; dir: string; stop(): Promise<void> }> {
  const lock = lockDataDir(config.dataDir);
  try {
    const dir = clusterDirFor(config.dataDir);
    if (dir !== join(config.dataDir, 'postgres')) logger.info({ dir }, `the PostgreSQL system user cannot reach ${config.dataDir}: the embedded cluster lives in ${dir}`);
    const cluster = await startEmbeddedPostgres({ dir, persistent: true, logger });
    // For `gatehouse db` while this server runs: the cluster's port is chosen at each start.
    const urlFile = join(config.dataDir, EMBEDDED_URL_FILE);
    writeFileSync(urlFile, `${cluster.url}\n`, { mode: 0o600 });
    const stop = () => cluster.stop().finally(() => (rmSync(urlFile, { force: true }), lock.release()));
    return { url: cluster.url, dir, stop };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** A MikroORM instance on `url` that knows the committed migrations (or, for `appMigrator`, the app's). */
export async function connectOrm(url: string, logger?: Logger, extras: OrmExtras = {}): Promise<MikroORM> {
  const appPath = extras.appMigrator ? extras.app?.migrations?.path : undefined;
  return MikroORM.init(createOrmOptions(url, await loadMigrations(appPath), logger, extras));
}

/**
 * Applies Gatehouse's pending migrations, then the app's (each on a pool of its own, recorded in
 * its own table); returns the names applied.
 */
export async function migrate(url: string, logger: Logger, app: AppSchema = {}): Promise<string[]> {
  const applied: string[] = [];
  for (const appMigrator of app.migrations ? [false, true] : [false]) {
    const migrator = await connectOrm(url, logger, { connectTimeout: true, app, appMigrator });
    applied.push(...(await migrateUp(migrator).finally(() => migrator.close(true))));
  }
  return applied;
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
