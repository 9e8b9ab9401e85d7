/**
 * A reason the server cannot start that the person starting it can fix: printed as one line
 * ("Gatehouse cannot start. …") naming the setting to change, never as a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** The error's own code or that of its causes (MikroORM and pg wrap the socket's). */
function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (/timeout expired|Connection terminated due to connection timeout/i.test(e.message)) return 'ETIMEDOUT';
  }
  return undefined;
}

/** Why DATABASE_URL could not be used, in one line; null for anything that is not about reaching it. */
export function databaseStartupError(error: unknown, databaseUrl: string): StartupError | null {
  const url = new URL(databaseUrl);
  const where = `${url.hostname}:${url.port || 5432}`;
  const user = decodeURIComponent(url.username) || 'the default user';
  const database = url.pathname.slice(1) || 'the default database';
  const reasons: Record<string, string> = {
    ECONNREFUSED: `nothing accepts connections at ${where} (connection refused). Is PostgreSQL running there?`,
    ENOTFOUND: `the host ${url.hostname} is not known. Check the address.`,
    EAI_AGAIN: `the host ${url.hostname} could not be looked up. Check the address and the network.`,
    ETIMEDOUT: `PostgreSQL at ${where} did not answer in time. Check the address and any firewall.`,
    EHOSTUNREACH: `the host ${url.hostname} cannot be reached from here.`,
    '28P01': `PostgreSQL at ${where} refused the password of user "${user}".`,
    '28000': `PostgreSQL at ${where} does not let user "${user}" connect (no such role, or pg_hba.conf refuses it).`,
    '3D000': `the database "${database}" does not exist at ${where}, and user "${user}" could not create it.`,
    '42501': `user "${user}" lacks the privileges to set up the database "${database}" at ${where}.`,
  };
  const code = codeOf(error);
  const reason = code ? reasons[code] : undefined;
  return reason ? new StartupError(`DATABASE_URL: ${reason}`, { cause: error }) : null;
}

/** Why the server could not listen on HOST:PORT, in one line; null for anything else. */
export function listenStartupError(error: unknown, host: string, port: number): StartupError | null {
  const where = `${host}:${port}`;
  const reasons: Record<string, string> = {
    EADDRINUSE: `PORT: ${where} is already in use by another process. Stop it, or set PORT to a free port (PORT=0 picks one).`,
    EACCES: `PORT: this user may not listen on ${where} (ports below 1024 need privileges). Set PORT to 1024 or above.`,
    EADDRNOTAVAIL: `HOST: ${host} is not an address of this machine. Set HOST to one of its addresses, localhost or 0.0.0.0.`,
    ENOTFOUND: `HOST: ${host} is not a known host name. Set HOST to an address of this machine.`,
  };
  const code = codeOf(error);
  const reason = code ? reasons[code] : undefined;
  return reason ? new StartupError(reason, { cause: error }) : null;
}
