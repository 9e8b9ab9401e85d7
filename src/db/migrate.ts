import type { MikroORM } from '@mikro-orm/postgresql';
import type { MigrationObject } from '@mikro-orm/core';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from './mikro-orm.config';

const MIGRATION_FILE = /^Migration\d+[\w-]*\.(ts|js)$/;

/**
 * Loads the committed migrations with dynamic import(). MikroORM's own loader uses require(),
 * which cannot read .ts under vitest; import() works under tsc output, tsx and vitest alike.
 */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<MigrationObject[]> {
  const files = readdirSync(dir).filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts')).sort();
  return Promise.all(
    files.map(async (file) => {
      const mod = (await import(join(dir, file))) as Record<string, unknown>;
      const name = file.replace(/\.(ts|js)$/, '');
      const cls = (mod[name] ?? Object.values(mod).find((v) => typeof v === 'function')) as MigrationObject['class'];
      return { name, class: cls };
    }),
  );
}

/** Applies every pending migration; returns the names applied. */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
