/**
 * Whether an error means the database (or a store like it) could not be used right now, rather
 * than that a statement was wrong: it was unreachable, refused or dropped the connection, did not
 * answer in time, or gave up waiting for a lock. Such a request is answered SERVICE_UNAVAILABLE
 * (503), to be retried, instead of INTERNAL_SERVER_ERROR.
 */
export function isUnavailable(error: unknown): boolean {
  // Wrapped errors keep the original as `cause` (ours, MikroORM's) or `originalError` (GraphQL's).
  const inner = (e: Error) => (e as { originalError?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = inner(e), depth++) {
    const { name, message } = e;
    const code = (e as { code?: unknown }).code;
    if (UNAVAILABLE_NAMES.has(name)) return true;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (UNAVAILABLE_MESSAGES.test(message)) return true;
  }
  return false;
}

// knex's pool, MikroORM's wrappers.
const UNAVAILABLE_NAMES = new Set(['KnexTimeoutError', 'ConnectionException', 'LockWaitTimeoutException']);
// SQLSTATE: query_canceled (statement_timeout), lock_not_available (lock_timeout), admin or crash
// shutdown, cannot connect now, a database not accepting connections; class 08 is connection
// exceptions. Node's socket errors.
const UNAVAILABLE_CODES = new Set(['57014', '55P03', '57P01', '57P02', '57P03', '55000', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
// node-postgres's own (client-side) timeouts and dropped connections, knex's pool giving up.
const UNAVAILABLE_MESSAGES = /Query read timeout|Connection terminated|timeout expired|Connection ended|Client has encountered a connection error|Timeout acquiring a connection|^aborted$/;
