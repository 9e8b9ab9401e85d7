import 'reflect-metadata';
import { createApp, GRAPHQL_PATH } from './app';
import { loadConfig } from './config';
import { openDatabase } from './db/database';
import { createLogger } from './logger';
import { exitWithStartupFailure } from './startup/report';
import { listenStartupError } from './startup/startup-error';
import { loadDotEnv } from './startup/dotenv';

/**
 * SIGTERM to exit: at most DRAIN_MS for the requests in flight (then they are answered 503), about
 * 3 s to let go of the listener, mail, counters, pool and embedded PostgreSQL (each bounded), so
 * within 10 s. The timer below is the backstop should a step ever escape its bound.
 */
const SHUTDOWN_TIMEOUT_MS = 12_000;

/** Process entry: config → database (embedded or DATABASE_URL) → migrate → listen. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config);
  const database = await openDatabase(config, logger);
  const app = await createApp({ config, orm: database.orm, logger });
  const port = await app.listen().catch(async (error: unknown) => {
    await app.close(0);
    await database.close();
    throw listenStartupError(error, config.host, config.port) ?? error;
  });

  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(
    { url: `http://${shown}:${port}${GRAPHQL_PATH}`, database: database.description, env: config.env },
    `Gatehouse listening on http://${shown}:${port}${GRAPHQL_PATH} using ${database.description}`,
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    app
      .close()
      .then(() => database.close())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch(exitWithStartupFailure);
