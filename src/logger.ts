import pino from 'pino';
import type { Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/**
 * One pino logger per process, writing to stdout asynchronously: lines written while a write is
 * in flight go out together in the next one, instead of one blocking write per line (pino flushes
 * what is left when the process exits); tests pass their own destination. Credentials never reach
 * it: request logging records method, path and status only, and these paths are redacted in case
 * a caller logs a request or user object.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: undefined,
      redact: {
        paths: [
          'password', '*.password', 'passwordHash', '*.passwordHash', 'token', '*.token', 'tokenHash', '*.tokenHash',
          'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
