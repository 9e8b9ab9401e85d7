import { appMigrationConfig } from 'gatehouse';
import { join } from 'node:path';
import { Note } from './src/note.entity';

/**
 * For `mikro-orm migration:create` (the app's migrations only): start the app once so Gatehouse's
 * tables exist, then run the CLI with this config; the diff holds only the app's tables.
 */
export default appMigrationConfig(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/notes_dev', {
  entities: [Note],
  migrations: { path: join(__dirname, 'migrations') },
});
