import type { MigrationObject } from '@mikro-orm/core';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { join } from 'node:path';
import type { Logger } from '../logger';
import { entities } from './entities';

/** The migrations folder at the repository root; from src/db/ and from dist/src/db/ alike. */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/**
 * Bounds on every database call of the serving connection pool, so that a stopped, frozen or
 * locked database costs a request seconds, never a hang (SEC-62): a statement runs at most
 * STATEMENT (server-side), waits for a lock at most LOCK, a connection is made within CONNECT and
 * taken from the pool within ACQUIRE; READ is the client's own limit on waiting for an answer,
 * for a server that cannot even enforce its own (frozen). Migrations run without them.
 */
export const DATABASE_TIMEOUTS_MS = { statement: 5_000, lock: 3_000, connect: 3_000, acquire: 3_000, read: 6_000 } as const;

/** An app's own part of the database (the library): its entities, and its migrations kept apart from ours. */
export interface AppSchema {
  /** MikroORM entities of the app; they may reference Gatehouse's (`User`). */
  entities?: EntityClass[];
  /** The folder of the app's migrations, applied after Gatehouse's and recorded in `tableName`. */
  migrations?: { path: string; tableName?: string };
}

/** The table that records an app's migrations, apart from Gatehouse's `mikro_orm_migrations`. */
export const APP_MIGRATIONS_TABLE = 'app_migrations';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function;

export interface OrmExtras {
  /** An observer of every statement sent (the tests count them); the statement is sent unchanged. */
  onQuery?: (sql: string, params: readonly unknown[]) => void;
  /** Apply DATABASE_TIMEOUTS_MS (the serving pool); off for migrations and tooling. */
  timeouts?: boolean;
  /** Only the connect and acquire bounds (migrations: long statements, but no hang on a dead host). */
  connectTimeout?: boolean;
  /** The app's entities beside ours, and (for its own migrator) its migrations. */
  app?: AppSchema;
  /** Build the migrator of the app's migrations instead of Gatehouse's. */
  appMigrator?: boolean;
}

/** MikroORM options shared by the server, the CLI and the tests. */
export function createOrmOptions(clientUrl: string, migrationsList?: MigrationObject[], logger?: Logger, extras: OrmExtras = {}): Options {
  const { onQuery, timeouts, connectTimeout, app, appMigrator } = extras;
  const appMigrations = app?.migrations;
  const t = DATABASE_TIMEOUTS_MS;
  return defineConfig({
    clientUrl,
    ...(onQuery ? { onQuery: (sql: string, params: unknown[]) => (onQuery(sql, params), sql) } : {}),
    entities: [...entities, ...(app?.entities ?? [])],
    extensions: [Migrator],
    // Entities name their column types explicitly, so no metadata scan of source files is needed.
    discovery: { disableDynamicFileAccess: true },
    migrations: {
      path: appMigrator && appMigrations ? appMigrations.path : MIGRATIONS_DIR,
      pathTs: appMigrator && appMigrations ? appMigrations.path : MIGRATIONS_DIR,
      tableName: appMigrator ? (appMigrations?.tableName ?? APP_MIGRATIONS_TABLE) : 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      // An app's migrations diff against the live database (Gatehouse's tables migrated first), not
      // a snapshot: a snapshot would go stale as Gatehouse's own tables change, and the next app
      // migration would carry Gatehouse's changes.
      snapshot: !appMigrator,
      snapshotName: '.snapshot-gatehouse',
      emit: 'ts',
      migrationsList,
    },
    pool: { min: 0, max: 10 },
    // rate_limits is owned by rate-limiter-flexible (created by a migration): never part of the
    // entity diff. Gatehouse's and an app's migration tables are each their own migrator's.
    schemaGenerator: { skipTables: ['rate_limits', 'mikro_orm_migrations', appMigrations?.tableName ?? APP_MIGRATIONS_TABLE] },
    // Our own logger records what matters; ORM debug output could contain bound parameters.
    debug: false,
    logger: (message) => logger?.debug({ orm: message }, 'mikro-orm'),
    // knex would print connection errors to the console; route them to our logger.
    driverOptions: {
      ...(timeouts
        ? {
            acquireConnectionTimeout: t.acquire,
            connection: { statement_timeout: t.statement, lock_timeout: t.lock, connectionTimeoutMillis: t.connect, query_timeout: t.read },
          }
        : connectTimeout
          ? { acquireConnectionTimeout: t.acquire, connection: { connectionTimeoutMillis: t.connect } }
          : {}),
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
