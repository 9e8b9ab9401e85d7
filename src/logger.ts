import pino from 'pino';
import type { Logger } from 'pino';
import type { Config } from './config';
import { requestIdFields } from './observability/request-scope';

export type { Logger };

/**
 * One pino logger per process, writing to stdout asynchronously: lines written while a write is
 * in flight go out together in the next one, instead of one blocking write per line (pino flushes
 * what is left when the process exits); tests pass their own destination. Credentials never reach
 * it: request logging records method, path and status only, and these paths are redacted in case
 * a caller logs a request or user object.
 */
export function createLogger(config: Pick<Config, 'logLevel'> & Partial<Pick<Config, 'logFormat'>>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: undefined,
      mixin: requestIdFields, // the request id on every line written for a request (request-scope.ts)
      redact: {
        paths: [
          'password', '*.password', 'passwordHash', '*.passwordHash', 'token', '*.token', 'tokenHash', '*.tokenHash',
          'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
      serializers: { err: (error: Error) => withoutSqlValues(pino.stdSerializers.err(error)) },
    },
    destination ?? (config.logFormat === 'pretty' ? prettyStream() : pino.destination({ dest: 1, sync: false })),
  );
}

const SQL_STATEMENT = /^(select|insert|update|delete|with)\b/i;

/** The values a failed statement's text and PostgreSQL's detail lines carry, and what replaces them. */
const VALUES: [RegExp, string][] = [
  [/'(?:[^']|'')*'/g, '?'], // literals inlined into the statement
  [/Failing row contains \(.*?\)(?=\s|$)/gs, 'Failing row contains (…)'],
  [/Key \(([^)]*)\)=\(.*?\)/gs, 'Key ($1)=(…)'],
];

/**
 * A driver error's message is the failed statement with its values inlined (MikroORM formats the
 * query into it), and PostgreSQL's detail repeats the row: a password hash, an address, a PKCE
 * verifier would reach the log. The statement and the reason stay, for diagnosis; the values go.
 */
function withoutSqlValues(error: pino.SerializedError): pino.SerializedError {
  if (typeof error.message !== 'string' || !SQL_STATEMENT.test(error.message)) return error;
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string') error[key] = VALUES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), value);
  }
  return error;
}

/** pino-pretty in a worker thread (LOG_FORMAT=pretty): colours and local times, for a terminal. */
function prettyStream(): pino.DestinationStream {
  return pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } });
}
