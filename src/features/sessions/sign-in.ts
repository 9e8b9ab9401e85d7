import { CredentialKind, type User } from '../../db/entities';
import type { Context } from '../../context/context';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../../context/session-cookie';
import { AuthError, ErrorCode } from '../../errors';
import { AuthSuccess } from '../../graphql/auth-result';

const SUPPORTED_KINDS = new Set([CredentialKind.COOKIE]);

/** Checked before any work is done, so an unsupported kind never half-creates an account. */
export function assertCredentialKindSupported(kind: CredentialKind): void {
  if (!SUPPORTED_KINDS.has(kind)) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'credentials', message: `${kind} credentials are not enabled on this server.` });
  }
}

/**
 * Finishes a successful sign-in: a brand-new session (never one the client brought, so a planted
 * id is useless: no fixation, SEC-28), the session the request arrived with ended, and the
 * credential the client asked for.
 */
export async function signIn(ctx: Context, user: User, kind: CredentialKind): Promise<AuthSuccess> {
  assertCredentialKindSupported(kind);
  const { em, req, res, services } = ctx;
  if (ctx.caller.kind === 'user') await services.sessions.revokeSession(em, ctx.caller.session.id, 'replaced_by_sign_in');

  const { session, token } = services.sessions.createSession(em, user, kind, {
    ipAddress: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  });
  user.lastLoginAt = session.createdAt;
  await em.flush();

  const result = Object.assign(new AuthSuccess(), { user, session });
  if (kind === CredentialKind.COOKIE) setSessionCookie(services.config, req, res, token!, session.expiresAt);
  return result;
}

/** Ends the caller's session (or all of the user's sessions) and clears the cookie. */
export async function signOut(ctx: Context, everywhere: boolean): Promise<boolean> {
  const { em, req, res, services, caller } = ctx;
  if (readSessionCookie(services.config, req).state !== 'absent') clearSessionCookie(services.config, req, res);
  if (caller.kind !== 'user') return false;
  if (everywhere) await services.sessions.revokeAllSessions(em, caller.user.id, 'logout_everywhere');
  else await services.sessions.revokeSession(em, caller.session.id, 'logout');
  return true;
}
