import type { MigrationObject } from '@mikro-orm/core';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { join } from 'node:path';
import { entities } from './entities';

/** The migrations folder at the repository root; from src/db/ and from dist/src/db/ alike. */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/** MikroORM options shared by the server, the CLI and the tests. */
export function createOrmOptions(
  clientUrl: string,
  migrationsList?: MigrationObject[],
  log: (message: string) => void = () => {},
): Options {
  return defineConfig({
    clientUrl,
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
    // Our own logger records what matters; ORM debug output could contain bound parameters.
    debug: false,
    logger: log,
    allowGlobalContext: false,
  });
}
