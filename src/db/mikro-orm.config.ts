import type { MigrationObject } from '@mikro-orm/core';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { join } from 'node:path';
import type { Logger } from '../logger';
import { entities } from './entities';

/** The migrations folder at the repository root; from src/db/ and from dist/src/db/ alike. */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/** MikroORM options shared by the server, the CLI and the tests. */
export function createOrmOptions(clientUrl: string, migrationsList?: MigrationObject[], logger?: Logger, onQuery?: (sql: string) => void): Options {
  return defineConfig({
    clientUrl,
    // An observer of every statement sent (the tests count them); the statement is sent unchanged.
    ...(onQuery ? { onQuery: (sql: string) => (onQuery(sql), sql) } : {}),
    entities,
    extensions: [Migrator],
    // Entities name their column types explicitly, so no metadata scan of source files is needed.
    discovery: { disableDynamicFileAccess: true },
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      snapshotName: '.snapshot-gatehouse',
      emit: 'ts',
      migrationsList,
    },
    pool: { min: 0, max: 10 },
    // Owned by rate-limiter-flexible (created by a migration): never part of the entity diff.
    schemaGenerator: { skipTables: ['rate_limits'] },
    // Our own logger records what matters; ORM debug output could contain bound parameters.
    debug: false,
    logger: (message) => logger?.debug({ orm: message }, 'mikro-orm'),
    // knex would print connection errors to the console; route them to our logger.
    driverOptions: {
      log: {
        warn: (message: unknown) => logger?.warn({ knex: String(message) }, 'database client warning'),
        error: (message: unknown) => logger?.error({ knex: String(message) }, 'database client error'),
        deprecate: () => {},
        debug: () => {},
      },
    },
    allowGlobalContext: false,
  });
}
