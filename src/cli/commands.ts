import { generateKeyPairSync, randomBytes, createPrivateKey, createPublicKey } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Config, loadConfig } from '../config';
import { User } from '../db/entities';
import { inTransaction } from '../db/transaction';
import { AuthError, ErrorCode } from '../errors';
import { parseEmail } from '../features/account/email';
import { createGatehouse, type Gatehouse } from '../library/gatehouse';
import { createLogger } from '../logger';

/** What a command prints, and how the process ends. */
export interface Output {
  line(text: string): void;
}

/** A refusal the operator can act on: one line, exit code 1 (a usage mistake, a bad password, an unknown address). */
export class CommandError extends Error {}

/** The config the server would use here (`.env`, the environment), with quiet logs unless LOG_LEVEL says otherwise. */
export function cliConfig(): Config {
  const config = loadConfig();
  return process.env.LOG_LEVEL ? config : { ...config, logLevel: 'warn' };
}

/** Opens Gatehouse on the database the server would use (the embedded one included: it migrates), runs `work`, closes. */
export async function withGatehouse<T>(config: Config, work: (gatehouse: Gatehouse) => Promise<T>): Promise<T> {
  const gatehouse = await createGatehouse({ config, logger: createLogger({ ...config, logFormat: 'json' }) });
  try {
    return await work(gatehouse);
  } finally {
    await gatehouse.close();
  }
}

async function userByEmail(em: EntityManager, email: string): Promise<User> {
  const user = await em.findOne(User, { email: parseEmail(email) });
  if (!user) throw new CommandError(`No account has the address ${email}.`);
  return user;
}

/** Gatehouse's input errors, as the operator reads them: "password: Use at least 8 characters." */
function asCommandError(error: unknown): never {
  if (error instanceof AuthError) throw new CommandError(`${error.field ? `${error.field}: ` : ''}${error.message}`);
  throw error;
}

export async function migrate(config: Config, out: Output): Promise<void> {
  await withGatehouse(config, async (g) => out.line(`The schema of ${g.databaseDescription} is up to date.`));
}

/** `create-user`: a verified account with a password (checked like any other), with the admin role when asked, in one transaction. */
export async function createUser(config: Config, out: Output, options: { email: string; password: string; admin: boolean }): Promise<void> {
  await withGatehouse(config, async (g) => {
    const em = g.orm.em.fork();
    const account = await g.services.registration.check({ email: options.email, password: options.password }).catch(asCommandError);
    const roles = g.services.roles.parse(options.admin ? ['admin'] : []);
    const user = await inTransaction(em, async (tx) => {
      const created = await g.services.registration.insert(tx, { ...account, roles, emailVerifiedAt: g.services.clock.now() });
      await g.services.audit.recordIn(tx, { type: 'CLI_CREATED_USER', success: true, userId: created.id, detail: roles.join(',') });
      return created;
    }).catch((error: unknown) => {
      if (error instanceof AuthError && error.code === ErrorCode.EMAIL_TAKEN) throw new CommandError(`An account already has the address ${account.email}.`);
      throw error;
    });
    out.line(`Created ${user.email} (${user.id})${options.admin ? ' with the admin role' : ''}.`);
  });
}

export async function disableUser(config: Config, out: Output, options: { email: string; reason?: string }): Promise<void> {
  await withGatehouse(config, async (g) => {
    const em = g.orm.em.fork();
    const user = await userByEmail(em, options.email);
    await g.services.admin.disable(em, null, user.id, options.reason ?? null, null).catch(asCommandError);
    out.line(`Disabled ${user.email}: every session, JWT family and API token ended.`);
  });
}

export async function revokeSessions(config: Config, out: Output, options: { email: string }): Promise<void> {
  await withGatehouse(config, async (g) => {
    const em = g.orm.em.fork();
    const user = await userByEmail(em, options.email);
    await g.services.admin.revokeCredentials(em, null, user.id);
    out.line(`Ended every session, JWT family and API token of ${user.email}.`);
  });
}

export async function setRoles(config: Config, out: Output, options: { email: string; roles: string[] }): Promise<void> {
  await withGatehouse(config, async (g) => {
    const em = g.orm.em.fork();
    const user = await userByEmail(em, options.email);
    const updated = await g.services.admin.setRoles(em, null, user.id, options.roles).catch(asCommandError);
    out.line(`${updated.email} now has the roles ${updated.roles.join(', ')}.`);
  });
}

/**
 * `rotate-keys`: a new JWT signing key and a new SECRET_KEY, printed as settings, with the values
 * that keep today's tokens and cookies valid meanwhile (the current keys become the previous
 * ones). Nothing is written: the operator puts them where the settings live.
 */
export function rotateKeys(config: Config, out: Output): void {
  const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const previous =
    config.jwt.algorithm === 'ES256'
      ? [createPublicKey(createPrivateKey(config.jwt.signingKey)).export({ format: 'pem', type: 'spki' }).toString(), ...config.jwt.previousKeys]
      : [];
  const escaped = (pem: string) => pem.trim().replace(/\n/g, '\\n');
  out.line(`JWT_ALGORITHM=ES256`);
  out.line(`JWT_PRIVATE_KEY="${escaped(signing)}"`);
  if (previous.length > 0) out.line(`JWT_PREVIOUS_PUBLIC_KEYS="${previous.map(escaped).join('\\n')}"`);
  out.line(`SECRET_KEY=${randomBytes(32).toString('base64url')}`);
  out.line(`SECRET_KEY_FALLBACKS=${config.secretKeys.join(',')}`);
  out.line('# Keep the previous values until every access token (ACCESS_TOKEN_TTL_SECONDS) and session cookie signed with them has expired.');
}
