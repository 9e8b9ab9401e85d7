import { loadConfig } from '../config';
import { createOrmOptions } from './mikro-orm.config';

/**
 * Entry point for the MikroORM CLI (`npm run migration:create`). The CLI diffs the entities
 * against the committed snapshot and needs a server: DATABASE_URL, else a local PostgreSQL.
 */
export default createOrmOptions(loadConfig().databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/gatehouse_dev');
