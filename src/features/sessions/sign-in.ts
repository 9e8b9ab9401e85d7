import type { Request } from 'express';
import type { Context } from '../../context/context';
import { clearSessionCookieIfSent, setSessionCookie } from '../../context/session-cookie';
import { CredentialKind, type User } from '../../db/entities';
import { AuthSuccess, type PendingStep, pendingStep, PendingStepKind } from '../../graphql/auth-result';
import { localeOf } from '../../mail/locale';
import type { SessionOrigin } from './session.service';

/** Where a sign-in came from, recorded on the session (shown in the credentials list). */
export function originOf(req: Request): SessionOrigin {
  return { ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/**
 * After the user proved who they are (password, provider): with mandatory verification an
 * unverified address gets a verification mail and PendingStep VERIFY_EMAIL; otherwise, signIn.
 */
export async function completeSignIn(ctx: Context, user: User, kind: CredentialKind): Promise<AuthSuccess | PendingStep> {
  if (ctx.services.config.accountEmails.verification === 'mandatory' && !user.emailVerifiedAt) {
    await ctx.em.flush(); // keep what the proof changed (a rehashed password, a linked identity)
    await ctx.services.emailVerification.send(ctx.em, user, localeOf(ctx.req));
    return pendingStep(PendingStepKind.VERIFY_EMAIL);
  }
  return signIn(ctx, user, kind);
}

/**
 * Finishes a successful sign-in: a brand-new session (never one the client brought, so a planted
 * id is useless: no fixation, SEC-28), the session the request arrived with ended, and the
 * credential the client asked for, each secret returned exactly once.
 */
export async function signIn(ctx: Context, user: User, kind: CredentialKind): Promise<AuthSuccess> {
  const { em, req, res, services, caller } = ctx;
  if (caller.kind === 'user' && caller.sessionId) await services.sessions.revokeSession(em, caller.sessionId, 'replaced_by_sign_in');

  const { session, token } = services.sessions.createSession(em, user, kind, originOf(req));
  user.lastLoginAt = session.createdAt;
  const result = Object.assign(new AuthSuccess(), { user, session });
  if (kind === CredentialKind.JWT) {
    const issued = services.refreshTokens.issue(em, session);
    Object.assign(result, {
      accessToken: issued.access.token,
      accessTokenExpiresAt: issued.access.expiresAt,
      refreshToken: issued.refreshToken,
    });
  }
  await em.flush();

  if (kind === CredentialKind.COOKIE) setSessionCookie(services.config, req, res, token!, session.expiresAt);
  if (kind === CredentialKind.SESSION_TOKEN) result.sessionToken = token!;
  return result;
}

/**
 * Ends the caller's session (or, with `everywhere`, all of the user's sessions and JWT families)
 * and clears the cookie. Callers without a session (API token, Basic, proxy) can only log out
 * everywhere; API tokens are revoked on their own (revokeCredential).
 */
export async function signOut(ctx: Context, everywhere: boolean): Promise<boolean> {
  const { em, req, res, services, caller } = ctx;
  clearSessionCookieIfSent(services.config, req, res);
  if (caller.kind !== 'user') return false;
  if (everywhere) {
    await services.sessions.revokeAllSessions(em, caller.user.id, 'logout_everywhere');
    return true;
  }
  if (!caller.sessionId) return false;
  await services.sessions.revokeSession(em, caller.sessionId, 'logout');
  return true;
}
