import 'reflect-metadata';
import { loadConfig } from './config';
import { openDatabase } from './db/database';
import { createLogger } from './logger';
import { loadDotEnv } from './startup/dotenv';
import { exitWithStartupFailure } from './startup/report';

/**
 * `npm run migration:up`: brings the schema of the very database the server would use up to date
 * (DATABASE_URL, else the data dir's embedded PostgreSQL), then exits. The server does the same at
 * every start; this is for deploys that migrate before rolling out.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config);
  const database = await openDatabase(config, logger); // migrates, and logs what it applied
  logger.info({ database: database.description }, `the schema of ${database.description} is up to date`);
  await database.close();
}

main().catch(exitWithStartupFailure);
