import 'reflect-metadata';
import { GRAPHQL_PATH } from './app';
import { loadConfig } from './config';
import { createGatehouse, type Gatehouse } from './library/gatehouse';
import { createLogger, type Logger } from './logger';
import { exitWithStartupFailure } from './startup/report';
import { listenStartupError } from './startup/startup-error';
import { loadDotEnv } from './startup/dotenv';

/**
 * SIGTERM to exit: at most DRAIN_MS for the requests in flight (then they are answered 503), about
 * 3 s to let go of the listener, mail, counters, pool and embedded PostgreSQL (each bounded), so
 * within 10 s. The timer below is the backstop should a step ever escape its bound.
 */
const SHUTDOWN_TIMEOUT_MS = 12_000;

/**
 * Process entry: config from the environment → Gatehouse (database, embedded or DATABASE_URL, and
 * migrations) → listen. The server is the library's first user: an app with no resolvers of its own.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config);
  // Signals are ours from the first moment: a SIGTERM during start-up must not kill the process
  // with its database half-opened; it stops as soon as there is something to stop.
  const running: { gatehouse?: Gatehouse } = {};
  let stopping = false;
  let started = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    if (started) void stop(running, logger); // else start-up stops at its next step
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  const gatehouse = (running.gatehouse = await createGatehouse({ config, logger }));
  if (stopping) return stop(running, logger);
  const port = await gatehouse.listen().catch(async (error: unknown) => {
    await gatehouse.close();
    throw listenStartupError(error, config.host, config.port) ?? error;
  });

  started = true;
  if (stopping) return stop(running, logger);
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(
    { url: `http://${shown}:${port}${GRAPHQL_PATH}`, database: gatehouse.databaseDescription, env: config.env },
    `Gatehouse listening on http://${shown}:${port}${GRAPHQL_PATH} using ${gatehouse.databaseDescription}`,
  );
}

/** Closes what is running, in order (requests, then the database), and exits. */
async function stop(running: { gatehouse?: Gatehouse }, logger: Logger): Promise<void> {
  try {
    await running.gatehouse?.close();
    logger.info('stopped');
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'error during shutdown');
    process.exit(1);
  }
}

main().catch(exitWithStartupFailure);
