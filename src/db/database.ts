import { MikroORM } from '@mikro-orm/postgresql';
import { join } from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedPostgres } from './embedded';
import { loadMigrations, migrateUp } from './migrate';
import { createOrmOptions, type OrmExtras } from './mikro-orm.config';
import { within } from '../within';

const CLOSE_MS = 1_000;

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
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: join(config.dataDir, 'postgres'), persistent: true, logger });
  const url = config.databaseUrl ?? embedded!.url;
  try {
    // Migrations may run long (an index on a big table): on a pool of their own, without timeouts.
    const migrator = await connectOrm(url, logger);
    const applied = await migrateUp(migrator).finally(() => migrator.close(true));
    if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
    const orm = await connectOrm(url, logger, { timeouts: true });
    return {
      orm,
      description: embedded ? `embedded PostgreSQL in ${join(config.dataDir, 'postgres')}` : redactUrl(url),
      async close() {
        // A frozen database never answers a goodbye: each step is bounded.
        if (!(await within(orm.close(true), CLOSE_MS))) logger.warn('the database pool did not close in time; leaving it');
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** A MikroORM instance on `url` that knows the committed migrations. */
export async function connectOrm(url: string, logger?: Logger, extras?: OrmExtras): Promise<MikroORM> {
  return MikroORM.init(createOrmOptions(url, await loadMigrations(), logger, extras));
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
